/*
 * The notice area (#flash-area): the page's one live region, holding one notice at a time.
 * - Nothing leaves on a timer (WCAG 2.2.1): a notice stays until it is dismissed (its close
 *   button, or Escape from inside it) or replaced by the next one, so the newest is the one
 *   on show and Undo buttons never pile up.
 * - Ctrl+Z (Cmd+Z on a Mac) presses the Undo of the notice on show, unless the focus is in a
 *   text field (there the keys undo typing, as always).
 * - After an Undo brings something back, the focus goes to it (the notice's data-focus), so
 *   a keyboard user lands on the restored card instead of the top of the page.
 * - The area floats at the bottom of the window, and moves to the top whenever it would
 *   cover the bulk toolbar or the page heading; the page gets room below, so nothing stays
 *   hidden under it.
 * - htmx 2 does not swap 4xx/5xx answers (see base.html): their message is shown here.
 * No dependencies, no globals; without JavaScript the notices sit in the page flow.
 */
(function () {
  "use strict";

  const NETWORK_MESSAGE = "Can't reach the server. Check your connection and try again.";
  const TEXT_INPUT = /^(text|search|email|password|url|tel|number|date|datetime-local|month|time|week)$/;
  // What a notice must never cover.
  const KEEP_CLEAR = "[data-bulk-bar], main h1";

  let focusAfterUndo = false;

  function area() {
    return document.getElementById("flash-area");
  }

  function closeIcon() {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("fill", "none");
    svg.setAttribute("stroke", "currentColor");
    svg.setAttribute("stroke-width", "1.8");
    svg.setAttribute("stroke-linecap", "round");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M6 6l12 12M18 6 6 18");
    svg.appendChild(path);
    return svg;
  }

  /**
   * Show a message in place of the current notice, built with textContent (never parsed).
   * @param {string} message
   * @param {"error"|"info"|"success"} category
   */
  function showNotice(message, category) {
    const region = area();
    if (!region) {
      return;
    }
    const flash = document.createElement("div");
    flash.className = "flash flash--" + category;
    if (category === "error") {
      flash.setAttribute("role", "alert");
    }
    const text = document.createElement("p");
    text.className = "flash__message";
    text.textContent = message;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "flash__close icon-button";
    close.setAttribute("aria-label", "Dismiss this message");
    close.dataset.dismiss = "";
    close.appendChild(closeIcon());
    flash.append(text, close);
    region.replaceChildren(flash);
  }

  /** The human sentence of an error answer (partials/error.html), or a fallback. */
  function errorMessage(xhr) {
    const fallback =
      xhr && xhr.status >= 500
        ? "Something went wrong on the server. Try again in a moment."
        : "That didn't work. Reload the page and try again.";
    if (!xhr || !xhr.responseText) {
      return fallback;
    }
    const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    const node = doc.querySelector(".error-fragment__message");
    const message = node ? node.textContent.trim() : "";
    return message || fallback;
  }

  /** Remove a notice; if it held the focus, the page's main region takes it. */
  function dismiss(flash) {
    const hadFocus = flash.contains(document.activeElement);
    flash.remove();
    if (hadFocus) {
      const main = document.getElementById("main");
      if (main) {
        main.focus();
      }
    }
  }

  /** Whether a key press belongs to a field where Ctrl+Z undoes typing. */
  function inTextField(target) {
    if (!(target instanceof Element)) {
      return false;
    }
    if (target.closest("textarea, select, [contenteditable]") || target.isContentEditable) {
      return true;
    }
    return target instanceof HTMLInputElement && TEXT_INPUT.test(target.type);
  }

  /** The Undo form of the notice on show, unless it is already being sent. */
  function currentUndo() {
    const region = area();
    const forms = region ? region.querySelectorAll("form[data-undo]") : [];
    const form = forms.length ? forms[forms.length - 1] : null;
    return form && !form.closest(".htmx-request") ? form : null;
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (event.key === "Escape" && target && target.closest("#flash-area .flash")) {
      event.preventDefault();
      dismiss(target.closest(".flash"));
      return;
    }
    const undoKey = (event.key === "z" || event.key === "Z") && (event.ctrlKey || event.metaKey);
    if (!undoKey || event.shiftKey || event.altKey || event.defaultPrevented) {
      return;
    }
    if (inTextField(target)) {
      return;
    }
    const form = currentUndo();
    if (!form) {
      return;
    }
    event.preventDefault();
    focusAfterUndo = true;
    // requestSubmit fires the submit event htmx listens for (a plain POST without htmx).
    form.requestSubmit(form.querySelector("button[type='submit']"));
  });

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const button = target && target.closest("[data-dismiss]");
    const flash = button && button.closest(".flash");
    if (flash) {
      dismiss(flash);
    }
  });

  // An Undo pressed from its button gives up the focus with the notice it sits in.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail && event.detail.elt;
    if (elt instanceof Element && elt.matches("form[data-undo]")) {
      const active = document.activeElement;
      focusAfterUndo = focusAfterUndo || !active || active === document.body || elt.contains(active);
    }
  });

  /** Focus what an Undo brought back: its main link, else its first control. */
  function focusRestored() {
    const region = area();
    const flash = region && region.querySelector(".flash[data-focus]");
    if (!focusAfterUndo || !flash) {
      return;
    }
    focusAfterUndo = false;
    const item = document.getElementById(flash.dataset.focus);
    if (!item) {
      return;
    }
    const control =
      item.querySelector(".media-card__link, .share-row__prompt a") ||
      item.querySelector("a[href], button");
    (control || item).focus();
  }

  // --- where the area floats ---------------------------------------------------------------

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function coversSomething(rect) {
    return Array.from(document.querySelectorAll(KEEP_CLEAR)).some((node) => {
      const other = node.getBoundingClientRect();
      return other.width > 0 && overlaps(rect, other);
    });
  }

  /** Bottom of the window by default; the top when the bottom would cover what must show. */
  function place() {
    const region = area();
    if (!region || getComputedStyle(region).position !== "fixed") {
      return;
    }
    const height = region.offsetHeight;
    document.documentElement.style.setProperty("--notice-h", height ? height + 16 + "px" : "0px");
    if (!height) {
      return;
    }
    region.dataset.edge = "bottom";
    if (coversSomething(region.getBoundingClientRect())) {
      region.dataset.edge = "top";
      if (coversSomething(region.getBoundingClientRect())) {
        region.dataset.edge = "bottom"; // a window too small for either: keep the usual place
      }
    }
  }

  let placing = false;
  function placeSoon() {
    if (!placing) {
      placing = true;
      window.requestAnimationFrame(() => {
        placing = false;
        place();
      });
    }
  }

  document.addEventListener("htmx:responseError", (event) => {
    showNotice(errorMessage(event.detail.xhr), "error");
  });

  document.addEventListener("htmx:sendError", () => {
    showNotice(NETWORK_MESSAGE, "error");
  });

  document.addEventListener("htmx:afterSettle", () => {
    focusRestored();
    placeSoon();
  });

  const region = area();
  if (region) {
    new MutationObserver(placeSoon).observe(region, { childList: true, subtree: true });
  }
  window.addEventListener("scroll", placeSoon, { passive: true });
  window.addEventListener("resize", placeSoon);
  // The bulk toolbar turns sticky (and taller) while something is ticked.
  document.addEventListener("change", placeSoon);
  place();
})();
