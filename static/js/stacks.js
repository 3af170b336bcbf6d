/*
 * stacks.js — a variant stack's card expands in place (the grid grouped by variants).
 *
 * The card's disclosure ([data-stack-toggle], a link to the grid of the stack's members
 * without JavaScript) fetches the other variants with htmx and inserts them after the card
 * (partials/stack_members.html). This keeps its aria-expanded and its words in step, and
 * collapses the panel on a second press, on its Collapse button, and on Escape from inside
 * it or from the disclosure, handing the focus back to the disclosure.
 *
 * No dependencies, no globals; the page works without it.
 */
(function () {
  "use strict";

  const TOGGLE = "[data-stack-toggle]";
  const PANEL = "[data-stack-panel]";

  function toggleFor(key) {
    return document.querySelector(`[data-stack-toggle="${CSS.escape(key)}"]`);
  }

  function setExpanded(toggle, expanded) {
    const label = toggle.querySelector("[data-stack-label]");
    if (label) {
      if (!toggle.dataset.collapsedLabel) {
        toggle.dataset.collapsedLabel = label.textContent;
      }
      label.textContent = expanded ? "Hide variants" : toggle.dataset.collapsedLabel;
    }
    toggle.setAttribute("aria-expanded", expanded ? "true" : "false");
  }

  /** Close one stack's panel; the focus goes back to its disclosure if it was in the panel. */
  function collapse(key, { focus = false } = {}) {
    const panel = document.getElementById(`stack-${key}`);
    const toggle = toggleFor(key);
    const hadFocus = panel && panel.contains(document.activeElement);
    if (panel) {
      panel.remove();
    }
    if (toggle) {
      setExpanded(toggle, false);
      if (focus || hadFocus) {
        toggle.focus();
      }
    }
  }

  // A second press collapses instead of fetching again: caught before htmx sees the click.
  document.addEventListener(
    "click",
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      const toggle = target && target.closest(TOGGLE);
      if (toggle && toggle.getAttribute("aria-expanded") === "true") {
        event.preventDefault();
        event.stopPropagation();
        collapse(toggle.dataset.stackToggle);
        return;
      }
      const close = target && target.closest("[data-stack-close]");
      if (close) {
        collapse(close.dataset.stackClose, { focus: true });
      }
    },
    true
  );

  document.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail && event.detail.elt;
    if (elt instanceof Element && elt.matches(TOGGLE) && event.detail.successful) {
      setExpanded(elt, true);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !(event.target instanceof Element)) {
      return;
    }
    const panel = event.target.closest(PANEL);
    const toggle = event.target.closest(TOGGLE);
    if (panel) {
      collapse(panel.dataset.stackPanel, { focus: true });
    } else if (toggle && toggle.getAttribute("aria-expanded") === "true") {
      collapse(toggle.dataset.stackToggle, { focus: true });
    } else {
      return;
    }
    event.preventDefault();
  });
})();
