/*
 * card-grid.js — the grid of cards for the keyboard, and cards whose media fail to load.
 *
 * Keyboard (a roving tabindex, documented on the page in #grid-keys): the grid is one Tab
 * stop, the current card's link. Arrow keys move from card to card (up and down by the rows
 * as they are laid out), Home and End go to the first and the last card loaded, Enter opens
 * the card. Tab from the current card's link reaches that card's own controls (select,
 * favorite, delete), then leaves the grid; the other cards' controls are out of the Tab order
 * but stay in the page for pointers and screen readers, and focusing one (a click, a screen
 * reader) makes its card the current one. Cards appended by "Load more", painted from the
 * cache or changed by htmx join as they arrive; a "Load more" that held the focus hands it to
 * the first card it brought. Without JavaScript every control is tabbable.
 *
 * Broken media: an image, or a video's poster, that fails to load and a video whose file is
 * gone get the card's fallback tile (its type and the reason) in place of a blank picture, and
 * the card's link (named by the prompt) gets the reason in its description.
 *
 * No dependencies, no globals; the page works without it.
 */
(function () {
  "use strict";

  const GRID = ".media-grid";
  const CARD = ".media-card";
  const LINK = ".media-card__link";
  const CONTROLS = "a[href], button, input, select, textarea, summary";
  const HELP_ID = "grid-keys";
  const MOVES = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"];

  const current = new WeakMap(); // grid -> its current card
  const lastIndex = new WeakMap(); // grid -> the current card's index, to recover after removal
  let pendingFocus = null; // {grid, count}: a focused "Load more" is fetching the next cards

  function cardsOf(grid) {
    return Array.from(grid.querySelectorAll(CARD));
  }

  function linkOf(card) {
    return card ? card.querySelector(LINK) : null;
  }

  /** Add or remove one id in an element's aria-describedby, keeping the others (the help last). */
  function describedBy(element, id, on) {
    const ids = (element.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const has = ids.includes(id);
    if (on === has) {
      return;
    }
    const help = ids.indexOf(HELP_ID);
    const at = id === HELP_ID || help < 0 ? ids.length : help;
    const next = on ? ids.slice(0, at).concat(id, ids.slice(at)) : ids.filter((o) => o !== id);
    if (next.length) {
      element.setAttribute("aria-describedby", next.join(" "));
    } else {
      element.removeAttribute("aria-describedby");
    }
  }

  function setTabbable(card, on) {
    const link = linkOf(card);
    card.querySelectorAll(CONTROLS).forEach((control) => {
      if (control === link) {
        const wanted = on ? "0" : "-1";
        if (control.getAttribute("tabindex") !== wanted) {
          control.setAttribute("tabindex", wanted);
        }
      } else if (on) {
        control.removeAttribute("tabindex");
      } else if (control.getAttribute("tabindex") !== "-1") {
        control.setAttribute("tabindex", "-1");
      }
    });
  }

  /**
   * Bring a grid's Tab order in line with its current card: the card holding the focus, else
   * the one remembered, else the one that took a removed card's place, else the first.
   * @param {Element} grid
   */
  function sync(grid) {
    const cards = cardsOf(grid);
    let active = current.get(grid);
    const focused = document.activeElement && document.activeElement.closest(CARD);
    if (focused && grid.contains(focused)) {
      active = focused;
    } else if (!active || !grid.contains(active)) {
      const index = Math.min(lastIndex.get(grid) || 0, cards.length - 1);
      active = cards[Math.max(index, 0)] || null;
    }
    cards.forEach((card) => setTabbable(card, card === active));
    current.set(grid, active);
    lastIndex.set(grid, active ? cards.indexOf(active) : 0);
    if (!grid.contains(document.activeElement)) {
      helpOn(grid, linkOf(active));
    }
  }

  /**
   * The keyboard help (#grid-keys) is part of one link's description: the link the keyboard
   * enters the grid on, not every card it then moves through.
   * @param {Element} grid
   * @param {Element|null} link
   */
  function helpOn(grid, link) {
    if (!document.getElementById(HELP_ID)) {
      return;
    }
    grid.querySelectorAll(LINK).forEach((other) => describedBy(other, HELP_ID, other === link));
  }

  function syncAll() {
    document.querySelectorAll(GRID).forEach(sync);
  }

  /** The card in the next (or previous) row, as laid out, nearest to cards[index] across. */
  function cardInRow(cards, index, step) {
    const from = cards[index].getBoundingClientRect();
    const middle = from.left + from.width / 2;
    const slack = from.height / 2; // a hovered card is lifted a little: same row all the same
    let rowTop = null;
    let best = null;
    let bestDistance = Infinity;
    for (let i = index + step; i >= 0 && i < cards.length; i += step) {
      const box = cards[i].getBoundingClientRect();
      const otherRow = step > 0 ? box.top > from.top + slack : box.top < from.top - slack;
      if (rowTop === null && !otherRow) {
        continue;
      }
      if (rowTop === null) {
        rowTop = box.top;
      } else if (Math.abs(box.top - rowTop) > slack) {
        break; // past the row
      }
      const distance = Math.abs(box.left + box.width / 2 - middle);
      if (distance < bestDistance) {
        best = cards[i];
        bestDistance = distance;
      }
    }
    return best;
  }

  function neighbour(grid, card, key) {
    const cards = cardsOf(grid);
    const index = cards.indexOf(card);
    if (index < 0) {
      return null;
    }
    switch (key) {
      case "ArrowRight":
        return cards[index + 1] || null;
      case "ArrowLeft":
        return cards[index - 1] || null;
      case "ArrowDown":
        return cardInRow(cards, index, 1);
      case "ArrowUp":
        return cardInRow(cards, index, -1);
      case "Home":
        return cards[0];
      case "End":
        return cards[cards.length - 1];
      default:
        return null;
    }
  }

  /**
   * Make `card` the grid's current card and put the focus on its link.
   * @param {Element} grid
   * @param {Element} card
   */
  function moveTo(grid, card) {
    const link = linkOf(card);
    if (!link) {
      return;
    }
    const entering = !grid.contains(document.activeElement);
    current.set(grid, card);
    helpOn(grid, entering ? link : null);
    link.focus({ preventScroll: true });
    sync(grid);
    // Honours the card's scroll margins: clear of the sticky header and the keyboard help.
    card.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  function onKeydown(event) {
    if (!MOVES.includes(event.key) || event.defaultPrevented) {
      return;
    }
    if (event.altKey || event.metaKey || event.shiftKey || (event.ctrlKey && event.key.startsWith("Arrow"))) {
      return;
    }
    const target = event.target instanceof Element ? event.target : null;
    const card = target && target.closest(CARD);
    const grid = card && card.closest(GRID);
    if (!grid || target.closest("textarea, select, [contenteditable]")) {
      return;
    }
    if (target.matches("input") && target.type !== "checkbox") {
      return;
    }
    const next = neighbour(grid, card, event.key);
    if (!next) {
      return; // at an edge the page scrolls as usual, which may reveal "Load more"
    }
    event.preventDefault();
    moveTo(grid, next);
  }

  function onFocusin(event) {
    const target = event.target instanceof Element ? event.target : null;
    const card = target && target.closest(CARD);
    const grid = card && card.closest(GRID);
    if (!grid) {
      return;
    }
    const from = event.relatedTarget;
    if (!(from instanceof Node && grid.contains(from))) {
      helpOn(grid, target.matches(LINK) ? target : null); // a click or a screen reader entered
    }
    if (current.get(grid) !== card) {
      current.set(grid, card);
      sync(grid);
    }
  }

  function onFocusout(event) {
    const target = event.target instanceof Element ? event.target : null;
    const grid = target && target.closest(GRID);
    const to = event.relatedTarget instanceof Element ? event.relatedTarget : null;
    if (grid && !(to && grid.contains(to))) {
      window.setTimeout(() => sync(grid), 0); // the help is read again on the way back in
    }
  }

  /** "Skip to results" lands on the current card itself (without JavaScript, on the grid). */
  function onClick(event) {
    const target = event.target instanceof Element ? event.target : null;
    const skip = target && target.closest('a.skip-link[href^="#"]');
    const grid = skip && document.getElementById(skip.getAttribute("href").slice(1));
    if (!grid || !grid.matches(GRID)) {
      return;
    }
    sync(grid);
    const card = current.get(grid);
    if (card) {
      event.preventDefault();
      moveTo(grid, card);
    }
  }

  // A "Load more" that holds the focus is about to be replaced (its link even hides while
  // it loads): remember to hand the focus to the first card it brings.
  function onBeforeRequest(event) {
    const elt = event.detail && event.detail.elt;
    const more = elt instanceof Element ? elt.closest(".load-more") : null;
    const grid = more && more.closest(GRID);
    if (grid && more.contains(document.activeElement)) {
      pendingFocus = { grid, count: cardsOf(grid).length };
    }
  }

  // A "Load more" that failed shows its link again: give it the focus back.
  function onAfterRequest(event) {
    const elt = event.detail && event.detail.elt;
    const more = elt instanceof Element ? elt.closest(".load-more") : null;
    if (!pendingFocus || !more || event.detail.successful) {
      return;
    }
    const link = pendingFocus.grid.querySelector(".load-more__link");
    pendingFocus = null;
    if (link && (document.activeElement === document.body || !document.activeElement)) {
      link.focus();
    }
  }

  function handOverFocus() {
    if (!pendingFocus) {
      return;
    }
    const { grid, count } = pendingFocus;
    const cards = document.contains(grid) ? cardsOf(grid) : [];
    if (cards.length > count) {
      pendingFocus = null;
      moveTo(grid, cards[count]);
    }
  }

  // ---------------------------------------------------------------- broken media

  const probed = new WeakSet();

  /** Show a card's fallback tile instead of media that did not load, and say why. */
  function markBroken(media) {
    const frame = media.closest(".media-card__frame");
    const card = media.closest(CARD);
    if (!frame || !card || frame.classList.contains("is-broken")) {
      return;
    }
    frame.classList.add("is-broken");
    const state = card.querySelector(".media-card__state");
    const link = linkOf(card);
    if (state && state.id && link) {
      describedBy(link, state.id, true);
    }
  }

  /**
   * Look at every card's media under root: images and videos that already failed, and the
   * posters of videos (a poster that fails fires nothing, so it is loaded once on the side).
   * @param {ParentNode} root
   */
  function checkMedia(root) {
    root.querySelectorAll("img.media-card__media").forEach((img) => {
      if (img.complete && !probed.has(img)) {
        probed.add(img);
        img.decode().catch(() => markBroken(img));
      }
    });
    root.querySelectorAll("video.media-card__media").forEach((video) => {
      if (probed.has(video)) {
        return;
      }
      probed.add(video);
      if (video.error) { // (networkState passes through NETWORK_NO_SOURCE on any start)
        markBroken(video);
        return;
      }
      const poster = video.getAttribute("poster");
      if (poster) {
        const probe = new Image();
        probe.addEventListener("error", () => markBroken(video), { once: true });
        probe.src = poster;
      }
    });
  }

  // Errors do not bubble: listen in the capture phase, for cards present and to come.
  document.addEventListener(
    "error",
    (event) => {
      const media = event.target;
      if (media instanceof Element && media.matches(".media-card__media")) {
        markBroken(media);
      }
    },
    true
  );

  // ---------------------------------------------------------------- wiring

  const observer = new MutationObserver((mutations) => {
    const touched = mutations.some((mutation) => {
      const node = mutation.target;
      return node instanceof Element && (node.closest(GRID) || node.querySelector(GRID));
    });
    if (touched) {
      syncAll();
      handOverFocus();
      checkMedia(document);
    }
  });

  function start() {
    const hash = window.location.hash.slice(1);
    const linked = hash ? document.getElementById(hash) : null;
    if (linked && linked.matches(CARD) && linked.closest(GRID)) {
      current.set(linked.closest(GRID), linked); // back from the detail view to this card
    }
    syncAll();
    checkMedia(document);
    observer.observe(document.body, { childList: true, subtree: true });
    document.addEventListener("keydown", onKeydown);
    document.addEventListener("focusin", onFocusin);
    document.addEventListener("focusout", onFocusout);
    document.addEventListener("click", onClick);
    document.addEventListener("htmx:beforeRequest", onBeforeRequest);
    document.addEventListener("htmx:afterRequest", onAfterRequest);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
})();
