// Autosave feedback on the phase pages. htmx posts each question's answer as the user
// moves on; this keeps the status line honest and warns before leaving unsaved edits.
(function () {
  "use strict";
  const pending = new Set();

  function block(el) { return el && el.closest("[data-autosave]"); }
  function statusOf(question) { return question.querySelector(".answer-status"); }
  function show(question, text, css) {
    const status = statusOf(question);
    if (!status) return;
    let line = status.querySelector(".autosave-state");
    if (!line) {
      line = document.createElement("span");
      line.className = "autosave-state";
      status.querySelectorAll("span").forEach((s) => s.remove());
      status.appendChild(line);
    }
    line.className = "autosave-state " + css;
    line.textContent = text;
  }

  document.addEventListener("input", (event) => {
    const question = block(event.target);
    if (question) { pending.add(question.id); show(question, "Editing…", "text-body-secondary"); }
  });
  // Picking "Other" is only half an answer: wait for its text instead of reporting an error.
  document.addEventListener("htmx:confirm", (event) => {
    const question = block(event.detail.elt);
    const picked = event.detail.triggeringEvent && event.detail.triggeringEvent.target;
    if (!question || !picked || picked.value !== "other" || !picked.checked) return;
    const otherText = question.querySelector('input[name$="__other"]');
    if (otherText && !otherText.value.trim()) {
      event.preventDefault();
      show(question, "Type what “Other” is; it saves when you move on.", "other-hint");
      otherText.focus();
    }
  });
  document.addEventListener("htmx:beforeRequest", (event) => {
    const question = block(event.detail.elt);
    if (question) show(question, "Saving…", "text-body-secondary");
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    const question = block(event.detail.elt);
    if (question && !question.querySelector(".answer-status .text-danger")) pending.delete(question.id);
  });
  function failed(event, reason) {
    const question = block(event.detail.elt);
    if (question) show(question, "Not saved: " + reason, "text-danger fw-semibold");
  }
  document.addEventListener("htmx:sendError", (e) => failed(e, "the server could not be reached. Your text is still here; it will be saved on your next change, or use “Save answers”."));
  document.addEventListener("htmx:responseError", (e) => failed(e, e.detail.xhr.status === 403 ? "you may not change this plan. Reload the page." : "the server had a problem (" + e.detail.xhr.status + "). Your text is still here; try again or use “Save answers”."));
  document.addEventListener("submit", () => pending.clear());
  window.addEventListener("beforeunload", (event) => {
    if (pending.size) { event.preventDefault(); event.returnValue = ""; }
  });
})();
