// The admin's preview of a phase: as answers are chosen, each question whose condition
// fails is hidden, as a plan's page hides it (there the server decides, on each save;
// here nothing is saved). A question under a hidden one, or depending on one, is hidden
// with it. A condition on a question of another phase cannot be tried: it stays shown.
(() => {
  "use strict";
  const form = document.querySelector("[data-preview]");
  if (!form) return;

  function chosen(key) {
    const values = Array.from(
      form.querySelectorAll(`[name="${CSS.escape(key)}"]`),
      (input) => (input.tagName === "SELECT" ? input.value : input.checked ? input.value : ""),
    ).filter(Boolean);
    // Typing an "Other" answer is choosing it.
    const other = form.querySelector(`[name="${CSS.escape(key)}__other"]`);
    if (other && other.value.trim()) values.push("other");
    return values;
  }

  function apply() {
    const hidden = new Set();
    form.querySelectorAll(".question[id^='q-']").forEach((block) => {
      const key = block.id.slice(2);
      const { parent, showIf, showFor } = block.dataset;
      let hide = hidden.has(parent) || hidden.has(showIf);
      if (!hide && showIf && document.getElementById(`q-${showIf}`)) {
        const wanted = JSON.parse(showFor || "[]");
        hide = !chosen(showIf).some((value) => wanted.includes(value));
      }
      if (hide) hidden.add(key);
      if (block.hidden !== hide) block.hidden = hide;
    });
  }

  form.addEventListener("change", apply);
  form.addEventListener("input", apply);
  apply();
})();
