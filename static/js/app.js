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
  // So is a yes or no whose question asks for an explanation too: a warning beside the
  // explanation (which it describes) says what to add while a choice waits for it. Focus
  // stays on the radio buttons, where the arrow keys may still be choosing.
  function explanationMissing(question) {
    const explanation = question.querySelector("textarea[data-explanation-required]");
    return !!explanation && !explanation.value.trim() && !!question.querySelector("input[type=radio]:checked");
  }
  function updateExplanationWarning(question) {
    const warning = question.querySelector(".explanation-warning");
    if (!warning) return;
    const missing = explanationMissing(question);
    if (missing && warning.hidden) {
      warning.hidden = false;
      warning.textContent = warning.dataset.warning;  // new text in role="alert" is announced
    } else if (!missing && !warning.hidden) {
      warning.hidden = true;
      warning.textContent = "";
    }
  }
  document.addEventListener("input", (event) => {
    const question = block(event.target);
    if (question) updateExplanationWarning(question);
  });
  document.addEventListener("htmx:confirm", (event) => {
    const question = block(event.detail.elt);
    const picked = event.detail.triggeringEvent && event.detail.triggeringEvent.target;
    if (!question || !picked || picked.type !== "radio") return;
    if (explanationMissing(question)) {
      event.preventDefault();
      updateExplanationWarning(question);
      show(question, "Not saved yet.", "text-warning-emphasis fw-semibold");
    }
  });
  document.addEventListener("htmx:beforeRequest", (event) => {
    const question = block(event.detail.elt);
    if (question) show(question, "Saving…", "text-body-secondary");
  });
  // A save the server did not take because it was unreachable or failing (a database
  // restart, a deploy) is retried with growing pauses until it is stored; the text stays.
  const RETRY_DELAYS = [1, 2, 4, 8, 15, 30];
  const retries = new Map();
  function retryLater(question, reason) {
    const state = retries.get(question.id) || { attempt: 0, timer: null };
    const delay = RETRY_DELAYS[Math.min(state.attempt, RETRY_DELAYS.length - 1)];
    state.attempt += 1;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => htmx.trigger(question, "autosave-retry"), delay * 1000);
    retries.set(question.id, state);
    show(question, "Not saved yet: " + reason + " Retrying in " + delay + " s; your text is still here.", "text-danger fw-semibold");
  }
  function stopRetrying(question) {
    const state = retries.get(question.id);
    if (state) { clearTimeout(state.timer); retries.delete(question.id); }
  }
  document.addEventListener("htmx:afterSwap", (event) => {
    const question = block(event.detail.elt);
    if (!question) return;
    stopRetrying(question);
    if (!question.querySelector(".answer-status .text-danger")) pending.delete(question.id);
  });
  document.addEventListener("htmx:sendError", (event) => {
    const question = block(event.detail.elt);
    if (question) retryLater(question, "the server could not be reached.");
  });
  document.addEventListener("htmx:responseError", (event) => {
    const question = block(event.detail.elt);
    if (!question) return;
    const status = event.detail.xhr.status;
    if (status >= 500) {
      retryLater(question, "the server had a problem (" + status + ").");
    } else {
      stopRetrying(question);
      const reason = status === 403 ? "you may not change this plan. Reload the page." : "the server refused it (" + status + "). Reload the page; use “Save answers” to keep your text.";
      show(question, "Not saved: " + reason, "text-danger fw-semibold");
    }
  });

  // Following a link or sending a form within a second of typing left before the save was
  // sent or answered, and the browser asked "Leave site?" though nothing would be lost. So
  // the navigation waits: what is still unsent goes now, and the page leaves once the saves
  // are answered (at most FLUSH_WAIT_MS); it asks only if an answer could not be saved.
  const FLUSH_WAIT_MS = 3000;
  const inFlight = new Set();
  let leaving = null;
  let resuming = false;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const question = block(event.detail.elt);
    if (question) inFlight.add(question.id);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const question = block(event.detail.elt);
    if (question) inFlight.delete(question.id);
  });
  function saveNowThen(proceed, { sendPending }) {
    const first = !leaving;
    leaving = proceed;  // a second click while waiting changes where to go, not how long
    if (!first) return;
    if (sendPending) {
      pending.forEach((id) => {
        const question = document.getElementById(id);
        if (question && !inFlight.has(id)) { stopRetrying(question); htmx.trigger(question, "autosave-retry"); }
      });
    }
    const deadline = Date.now() + FLUSH_WAIT_MS;
    function wait() {
      if (inFlight.size && Date.now() < deadline) { setTimeout(wait, 50); return; }
      const go = leaving;
      leaving = null;
      go();
    }
    setTimeout(wait, 0);
  }
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;  // a new tab or window
    if ((link.target && link.target !== "_self") || link.hasAttribute("download")) return;
    const here = link.origin === location.origin && link.pathname === location.pathname && link.search === location.search;
    if ((here && link.hash) || (!pending.size && !inFlight.size)) return;
    event.preventDefault();
    saveNowThen(() => window.location.assign(link.href), { sendPending: true });
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (resuming || event.defaultPrevented) return;
    // The phase form sends every answer itself: it waits only for saves under way, whose
    // answers carry the revisions it must send.
    const sendsAnswers = !!form.querySelector("[data-autosave]");
    if (!inFlight.size && (sendsAnswers || !pending.size)) {
      if (sendsAnswers) pending.clear();
      return;
    }
    event.preventDefault();
    const submitter = event.submitter;
    saveNowThen(() => {
      if (sendsAnswers) pending.clear();
      resuming = true;
      try { form.requestSubmit(submitter); } finally { resuming = false; }
    }, { sendPending: !sendsAnswers });
  });
  // Questions that apply only for some answers of an earlier question: each autosave
  // says which questions of the phase do not apply now, and the page follows.
  document.body.addEventListener("questionsApply", (event) => {
    const hidden = new Set(event.detail.hidden || []);
    document.querySelectorAll(".phase-form .question[id^='q-']").forEach((block) => {
      const key = block.id.slice(2);
      const hide = hidden.has(key);
      if (block.hidden !== hide) block.hidden = hide;
    });
  });
  // An "Other (please specify)" box shows while "Other" is chosen (without JavaScript it
  // always shows). Capturing runs this before htmx hears the change, so that the box is
  // there to be focused and typed in before the answer saves.
  function otherBoxes(root) {
    root.querySelectorAll('[data-autosave] input[name$="__other"]').forEach((box) => {
      const question = block(box);
      const picked = question.querySelector('input[value="other"]:checked');
      const wrapper = box.closest(".mb-3") || box.parentElement;
      wrapper.hidden = !picked && !box.value.trim();
    });
  }
  document.addEventListener("change", (event) => {
    const question = block(event.target);
    if (question) otherBoxes(question.parentElement);
  }, true);
  otherBoxes(document);
  // A table's lists of another table's rows are replaced when that table changes (out
  // of band): what the user picked there and did not save yet, and the focus, stay.
  let focusedList = null;
  document.body.addEventListener("htmx:oobBeforeSwap", (event) => {
    const old = event.detail.target;
    if (!old.classList || !old.classList.contains("record-choices")) return;
    const picked = new Set();
    old.querySelectorAll("option:checked, input:checked").forEach((c) => picked.add(c.value));
    event.detail.fragment.querySelectorAll("option, input[type=checkbox]").forEach((c) => {
      const offered = c.tagName === "OPTION" ? "selected" : "checked";
      c[offered] = picked.has(c.value);
    });
    focusedList = old.contains(document.activeElement) ? document.activeElement.id : null;
  });
  document.body.addEventListener("htmx:oobAfterSwap", () => {
    const list = focusedList && document.getElementById(focusedList);
    focusedList = null;
    if (list) list.focus();
  });
  window.addEventListener("beforeunload", (event) => {
    if (pending.size) { event.preventDefault(); event.returnValue = ""; }
  });
})();
