/*
 * Gallery behaviour that needs JavaScript: local dates, copy buttons, card selection for the
 * bulk toolbar (counts, "Select all on this page", shift-click ranges, Escape to clear, the
 * action buttons disabled while nothing is ticked), and the detail, trash, share and stats
 * pages' extras. The notice area (Undo, Ctrl+Z, htmx errors) is notices.js's.
 * No dependencies, no globals; every page still works without it.
 */
(function () {
  "use strict";

  const FORMATS = {
    short: { month: "short", day: "numeric" },
    shortWithYear: { month: "short", day: "numeric", year: "numeric" },
    long: { dateStyle: "full", timeStyle: "short" },
  };
  // Building an Intl.DateTimeFormat costs far more than formatting with one, and a gallery
  // page localises two dates per card: one formatter per format, made on first use.
  const formatters = {};

  /** The viewer's formatter for one of FORMATS (throws on engines without dateStyle). */
  function formatter(name) {
    if (!formatters[name]) {
      formatters[name] = new Intl.DateTimeFormat(undefined, FORMATS[name]);
    }
    return formatters[name];
  }
  const BOX = "input.media-card__checkbox";

  document.documentElement.classList.add("js");

  /** Publish the sticky header's height (it wraps on narrow screens) for sticky toolbars. */
  function measureHeader() {
    const header = document.querySelector(".site-header");
    if (header) {
      document.documentElement.style.setProperty("--header-h", header.offsetHeight + "px");
    }
  }

  /**
   * Rewrite every <time datetime> under root in the viewer's locale and time zone; the
   * server's UTC text stays as the tooltip.
   * @param {ParentNode} root
   */
  function localiseTimes(root) {
    root.querySelectorAll("time[datetime]").forEach((node) => {
      const date = new Date(node.getAttribute("datetime"));
      if (Number.isNaN(date.getTime())) {
        return;
      }
      let format = "long";
      if (node.dataset.format === "short") {
        // Cards are narrow: "Mar 3" this year, "Mar 3, 2024" before; the tooltip has the rest.
        const thisYear = date.getFullYear() === new Date().getFullYear();
        format = thisYear ? "short" : "shortWithYear";
      }
      try {
        node.title = formatter("long").format(date);
        node.textContent = formatter(format).format(date);
      } catch (error) {
        // An old engine without dateStyle: keep the server's UTC text.
      }
    });
  }

  /** A live region for short announcements that need no visible message. */
  function announce(message) {
    let region = document.getElementById("gallery-announcer");
    if (!region) {
      region = document.createElement("div");
      region.id = "gallery-announcer";
      region.className = "visually-hidden";
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    region.textContent = "";
    window.setTimeout(() => {
      region.textContent = message;
    }, 50);
  }

  async function copyText(button) {
    const source = document.getElementById(button.dataset.copy);
    if (!source) {
      return;
    }
    const label = button.querySelector("[data-copy-label]");
    try {
      await navigator.clipboard.writeText(source.textContent);
    } catch (error) {
      // No clipboard (plain http, or denied): select the text so Ctrl+C / Cmd+C works.
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      announce("Text selected; press Ctrl+C or Cmd+C to copy it.");
      return;
    }
    button.classList.add("is-copied");
    if (label) {
      label.textContent = "Copied";
    }
    announce("Copied to the clipboard.");
    window.setTimeout(() => {
      button.classList.remove("is-copied");
      if (label) {
        label.textContent = "Copy";
      }
    }, 2000);
  }

  // --- selecting cards for the bulk toolbar ------------------------------------------------

  let anchor = null; // the box a shift-click extends a range from
  let shiftAtPointer = false; // a click on the box's label reaches the box as a new event

  function boxes() {
    return Array.from(document.querySelectorAll("#media-grid " + BOX));
  }

  /** Speak in the persistent live region that searches do not replace. */
  function announceSelection(message) {
    const region = document.getElementById("selection-status");
    if (!region) {
      announce(message);
      return;
    }
    region.textContent = "";
    window.setTimeout(() => {
      region.textContent = message;
    }, 50);
  }

  /**
   * Bring the cards, the grid and the toolbar in line with the ticked boxes.
   * @returns {number} how many are ticked
   */
  function syncSelection() {
    const all = boxes();
    const ticked = all.filter((box) => box.checked).length;
    all.forEach((box) => {
      const card = box.closest(".media-card");
      if (card) {
        card.classList.toggle("is-selected", box.checked);
      }
    });
    const grid = document.getElementById("media-grid");
    if (grid) {
      grid.classList.toggle("is-selecting", ticked > 0);
    }
    const bar = document.querySelector("[data-bulk-bar]");
    if (bar) {
      bar.classList.toggle("is-active", ticked > 0);
      // Truly disabled while nothing is ticked (and so out of the Tab order). A button that
      // holds the focus (one just used) hands it to "Select all" first, so it is never lost.
      const actions = Array.from(bar.querySelectorAll("[data-bulk-action]"));
      const selectAll = bar.querySelector("[data-select-all]");
      if (ticked === 0 && selectAll && actions.includes(document.activeElement)) {
        selectAll.focus();
      }
      actions.forEach((button) => {
        button.disabled = ticked === 0;
      });
      if (selectAll) {
        selectAll.checked = ticked > 0 && ticked === all.length;
        selectAll.indeterminate = ticked > 0 && ticked < all.length;
      }
      const count = bar.querySelector("[data-bulk-count]");
      if (count) {
        count.textContent = ticked > 0 ? ticked + " selected" : count.dataset.idle;
      }
    }
    return ticked;
  }

  /** "Select all on this page": tick every card shown, or, when all are, none. */
  function selectAllShown(checkbox) {
    const all = boxes();
    all.forEach((box) => {
      box.checked = checkbox.checked;
    });
    anchor = null;
    const ticked = syncSelection();
    announceSelection(ticked > 0 ? "All " + ticked + " on this page selected" : "Selection cleared");
  }

  function clearSelection(message) {
    boxes().forEach((box) => {
      box.checked = false;
    });
    anchor = null;
    syncSelection();
    if (message) {
      announceSelection(message);
    }
  }

  /** A shift-click ticks (or unticks) every box between the last one clicked and this one. */
  function selectRange(box, shift) {
    const all = boxes();
    if (shift && anchor && anchor !== box && document.contains(anchor)) {
      const from = all.indexOf(anchor);
      const to = all.indexOf(box);
      if (from >= 0 && to >= 0) {
        all.slice(Math.min(from, to), Math.max(from, to) + 1).forEach((other) => {
          other.checked = box.checked;
        });
      }
    }
    anchor = box;
    const ticked = syncSelection();
    announceSelection(ticked > 0 ? ticked + " selected" : "Selection cleared");
  }

  /** Orphaned date headings (every card under them went) leave with their cards. */
  function tidyHeadings() {
    document.querySelectorAll("#media-grid .date-heading").forEach((heading) => {
      const next = heading.nextElementSibling;
      if (!next || !next.matches(".media-card")) {
        heading.remove();
      }
    });
  }

  document.addEventListener(
    "pointerdown",
    (event) => {
      shiftAtPointer = event.shiftKey;
      const target = event.target instanceof Element ? event.target : null;
      if (event.shiftKey && target && target.closest(".media-card__select")) {
        event.preventDefault(); // no text selection across the cards in between
      }
    },
    true
  );

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (target && target.matches(BOX)) {
      selectRange(target, event.shiftKey || shiftAtPointer);
      shiftAtPointer = false;
    }
  });

  // The keyboard ticks a box without a click event in some engines: keep the toolbar right.
  document.addEventListener("change", (event) => {
    if (event.target instanceof Element && event.target.matches(BOX)) {
      syncSelection();
    } else if (event.target instanceof Element && event.target.matches("[data-select-all]")) {
      selectAllShown(event.target);
    }
  });

  // Nothing ticked: the toolbar's buttons say so instead of sending an empty request.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (form instanceof HTMLFormElement && form.matches("[data-bulk-bar]") && !syncSelection()) {
        event.preventDefault();
        event.stopPropagation();
        announceSelection("Select at least one item first.");
      }
    },
    true
  );

  document.addEventListener("keydown", (event) => {
    const field = event.target instanceof Element && event.target.closest("input, select, textarea");
    const typing = field && !field.matches(BOX);
    if (event.key === "Escape" && !typing && boxes().some((box) => box.checked)) {
      clearSelection("Selection cleared");
    }
  });

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const copy = target && target.closest("[data-copy]");
    if (copy) {
      copyText(copy);
      return;
    }
    const clear = target && target.closest("[data-bulk-clear]");
    if (clear) {
      clearSelection("Selection cleared");
    }
  });

  // A deleted card takes the focus with it; hand it to a neighbour so keyboard users stay put.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!(target instanceof Element) || !target.matches(".media-card") || !event.detail.shouldSwap) {
      return;
    }
    // A stack's variants arrive after its card (stacks.js): the card stays.
    const asker = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (asker instanceof Element && asker.matches("[data-stack-toggle]")) {
      return;
    }
    const hadFocus = target.contains(document.activeElement);
    const next = target.nextElementSibling || target.previousElementSibling;
    window.setTimeout(() => {
      // The "Moved to trash" notice in #flash-area (a live region) says what happened.
      tidyHeadings();
      if (!hadFocus) {
        return;
      }
      const link = next && document.contains(next) ? next.querySelector("a, button") : null;
      (link || document.getElementById("main")).focus();
    }, 0);
  });

  function markBroken(img) {
    const frame = img.closest(".detail__stage");
    if (frame) {
      frame.classList.add("is-broken");
    }
  }

  // A remote image that fails to load (moved, expired link) shows the same placeholder as a
  // refused URL instead of the browser's broken-image icon. Errors do not bubble: capture,
  // and look for images that failed before this script ran. (Cards: card-grid.js.)
  document.addEventListener(
    "error",
    (event) => {
      const img = event.target;
      if (img instanceof HTMLImageElement && img.matches(".detail__media")) {
        markBroken(img);
      }
    },
    true
  );
  document.querySelectorAll("img.detail__media").forEach((img) => {
    if (img.complete) {
      img.decode().catch(() => markBroken(img));
    }
  });

  // Cards media-cache.js painted from the browser's cache carry an ISO date until localised.
  document.addEventListener("mediacache:painted", (event) => {
    if (event.detail && event.detail.grid instanceof Element) {
      localiseTimes(event.detail.grid);
    }
  });

  document.addEventListener("htmx:load", (event) => {
    if (event.detail && event.detail.elt instanceof Element) {
      localiseTimes(event.detail.elt);
    }
  });

  // A search (or an Undo) replaced the results: a new grid, nothing selected; say how many.
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail && event.detail.target;
    if (target instanceof Element && target.id === "gallery-results") {
      anchor = null;
      syncSelection();
      const count = document.getElementById("match-count");
      if (count) {
        announce(count.textContent.replace(/\s+/g, " ").trim());
      }
    }
  });

  // After a bulk action the remaining ticks are spent; deleted cards may orphan a heading.
  document.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail && event.detail.elt;
    if (elt instanceof Element && elt.matches("[data-bulk-bar]") && event.detail.successful) {
      clearSelection();
    }
  });

  document.addEventListener("htmx:afterSettle", () => {
    tidyHeadings();
    syncSelection(); // more cards arrived (scrolling): "Select all" is mixed again
  });
  document.addEventListener("htmx:oobAfterSwap", (event) => {
    window.setTimeout(tidyHeadings, 0);
    const target = event.detail && event.detail.target;
    if (target instanceof Element && target.id === "gallery-results") {
      anchor = null;
      syncSelection();
    }
  });

  measureHeader();
  window.addEventListener("resize", measureHeader);
  localiseTimes(document);
  syncSelection(); // a reload may keep ticks the browser restored

  /* ---- Pages around the grid: the detail view's arrow keys, copying a share link as soon
   * as it is created, keeping focus when a trash card or share row leaves, and scrolling the
   * stats calendar to today. ---- */

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

  /**
   * A share form's date and time is the browser's local time: tell the server the UTC
   * offset of that moment (daylight saving included) and name the zone in the hint. Without
   * this script the server reads it as UTC, as the hint then says.
   * @param {HTMLFormElement} form
   */
  function fillTimezone(form) {
    const offset = form.querySelector("[data-timezone-offset]");
    const input = form.querySelector("input[type=datetime-local]");
    if (!offset || !input) {
      return;
    }
    const moment = input.value ? new Date(input.value) : new Date();
    offset.value = String(Number.isNaN(moment.getTime()) ? 0 : moment.getTimezoneOffset());
    const label = form.querySelector("[data-timezone-label]");
    if (label) {
      let zone = "";
      try {
        zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
      } catch (error) {
        zone = "";
      }
      label.textContent = zone ? `in your time zone (${zone})` : "in your time zone";
    }
  }

  document.querySelectorAll("form.share-form").forEach(fillTimezone);
  document.addEventListener(
    "input",
    (event) => {
      const form = event.target instanceof Element ? event.target.closest("form.share-form") : null;
      if (form) {
        fillTimezone(form);
      }
    },
    true,
  );

  scrollCalendarsToToday(document);
})();
