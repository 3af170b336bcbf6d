/*
 * Behaviour of the pages around the grid that needs JavaScript: the detail view's arrow
 * keys, copying a share link as soon as it is created, moving the focus when a trash card or
 * a share row leaves the page, and scrolling the stats calendar to today. No dependencies,
 * no globals; every page works without it (copy buttons belong to gallery.js).
 */
(function () {
  "use strict";

  const COPIED_FOR_MS = 2000;

  /**
   * Whether a key press belongs to something that uses arrow keys itself: a form field, an
   * editable region, a media element's controls, or a key combined with a modifier.
   * @param {KeyboardEvent} event
   * @returns {boolean}
   */
  function arrowsBelongElsewhere(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return true;
    }
    const target = event.target instanceof Element ? event.target : null;
    if (!target) {
      return false;
    }
    return Boolean(
      target.closest("input, textarea, select, video, audio, [contenteditable], [role='slider']") ||
        target.isContentEditable
    );
  }

  /**
   * On the detail view, ArrowLeft and ArrowRight follow the previous and next links (the
   * links carry the gallery's filters, so the keys walk the same list).
   * @param {KeyboardEvent} event
   */
  function stepWithArrows(event) {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") {
      return;
    }
    if (arrowsBelongElsewhere(event)) {
      return;
    }
    const rel = event.key === "ArrowLeft" ? "prev" : "next";
    const link = document.querySelector(`a[data-step="${rel}"]`);
    if (!link) {
      return;
    }
    event.preventDefault();
    window.location.assign(link.href);
  }

  /** A polite live region for announcements that need no visible message. */
  function announce(message) {
    let region = document.getElementById("pages-announcer");
    if (!region) {
      region = document.createElement("div");
      region.id = "pages-announcer";
      region.className = "visually-hidden";
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    region.textContent = "";
    window.setTimeout(() => {
      region.textContent = message;
    }, 50);
  }

  /**
   * Copy a freshly created share link (an element with data-share-created and
   * data-share-url) and say whether that worked; without a clipboard, select it instead.
   * @param {Element} box
   */
  async function copyNewLink(box) {
    const url = box.getAttribute("data-share-url");
    const status = box.querySelector("[data-share-status]");
    const button = box.querySelector("[data-copy]");
    const value = box.querySelector(".copy-field__value");
    try {
      await navigator.clipboard.writeText(url);
    } catch (error) {
      if (value) {
        const range = document.createRange();
        range.selectNodeContents(value);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
      if (status) {
        status.textContent = "Your link is ready: it is selected, press Ctrl+C or Cmd+C to copy it.";
      }
      return;
    }
    if (status) {
      status.textContent = "Your link is ready and copied to the clipboard.";
    }
    if (button) {
      button.classList.add("is-copied");
      window.setTimeout(() => button.classList.remove("is-copied"), COPIED_FOR_MS);
    }
  }

  /**
   * Before htmx swaps out a trash card or a share row, remember whether it held the focus,
   * then hand the focus to a neighbour (or the page) and announce what happened.
   * @param {CustomEvent} event
   */
  function keepFocusWhenARowLeaves(event) {
    const target = event.detail.target;
    if (!(target instanceof Element) || !event.detail.shouldSwap) {
      return;
    }
    if (!target.matches(".trash-card, .share-row")) {
      return;
    }
    const form = event.detail.requestConfig && event.detail.requestConfig.elt;
    const message = form instanceof Element ? form.getAttribute("data-done") : null;
    const hadFocus = target.contains(document.activeElement);
    const next = target.nextElementSibling || target.previousElementSibling;
    window.setTimeout(() => {
      if (message) {
        announce(message);
      }
      if (!hadFocus) {
        return;
      }
      const control = next && document.contains(next) ? next.querySelector("button, a[href]") : null;
      (control || document.getElementById("main")).focus();
    }, 0);
  }

  /** Wide calendars scroll; start them at the right-hand end, where today is. */
  function scrollCalendarsToToday(root) {
    root.querySelectorAll("[data-scroll-end]").forEach((node) => {
      node.scrollLeft = node.scrollWidth;
    });
  }

  /**
   * Escape closes an open confirmation (the trash's "Empty trash…") and puts the focus back
   * on the control that opened it.
   * @param {KeyboardEvent} event
   */
  function closeConfirmation(event) {
    const open = document.querySelector("details.confirm[open]");
    if (event.key !== "Escape" || !open) {
      return;
    }
    open.open = false;
    const summary = open.querySelector("summary");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("keydown", (event) => {
    closeConfirmation(event);
    if (document.body.dataset.page === "detail") {
      stepWithArrows(event);
    }
  });

  document.addEventListener("htmx:beforeSwap", keepFocusWhenARowLeaves);

  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target instanceof Element) {
      target.querySelectorAll("[data-share-created]").forEach(copyNewLink);
    }
  });

  scrollCalendarsToToday(document);
})();
