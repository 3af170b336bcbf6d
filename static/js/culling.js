/*
 * Culling on the detail view without the mouse: 1-5 rate, 0 clears the rating, F toggles the
 * favorite, Delete moves the item to the trash and shows the next one (the Undo notice comes
 * with it). Each key presses the page's own button, so it does exactly what a click does
 * (the forms work without this script too). ArrowLeft/ArrowRight are gallery.js's.
 * Keys never act while someone types in a field, uses a media element's controls, or holds
 * a modifier. No dependencies, no globals.
 */
(function () {
  "use strict";

  /**
   * Whether a key press belongs to something else: a modifier, a form field, an editable
   * region, or a media element (which has keys of its own).
   * @param {KeyboardEvent} event
   * @returns {boolean}
   */
  function keyBelongsElsewhere(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return true;
    }
    const target = event.target instanceof Element ? event.target : null;
    if (!target) {
      return false;
    }
    return Boolean(
      target.isContentEditable ||
        target.closest("input, textarea, select, video, audio, [contenteditable], [role='slider']")
    );
  }

  /**
   * The button a culling key presses, or null when the key is not one (or its button is not
   * on the page). Shift only counts for F (Shift+F is still F); a shifted digit is a symbol.
   * @param {KeyboardEvent} event
   * @returns {HTMLButtonElement|null}
   */
  function buttonFor(event) {
    const key = event.key;
    if (/^[0-5]$/.test(key) && !event.shiftKey) {
      return document.getElementById("rating-button-" + key);
    }
    if (key === "f" || key === "F") {
      return document.getElementById("favorite-button");
    }
    if (key === "Delete" && !event.shiftKey) {
      return document.getElementById("delete-button");
    }
    return null;
  }

  // The id of a button whose key came while its form was busy; pressed once htmx settles.
  let pending = null;

  /**
   * Whether the button's form is still busy with its last press: its request in flight, or
   * its answer settling (htmx lends the new form the old one's classes until it settles).
   * @param {HTMLButtonElement} button
   * @returns {boolean}
   */
  function busy(button) {
    const form = button.form;
    return Boolean(form && form.matches(".htmx-request, .htmx-settling"));
  }

  /** Press the button now, or, while its form is busy, once it is not (the last key wins). */
  function press(button) {
    if (busy(button)) {
      pending = button.id;
      return;
    }
    pending = null;
    button.click();
  }

  document.addEventListener("htmx:afterSettle", () => {
    const button = pending ? document.getElementById(pending) : null;
    if (button && !busy(button)) {
      pending = null;
      button.click();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (document.body.dataset.page !== "detail" || event.repeat || keyBelongsElsewhere(event)) {
      return;
    }
    const button = buttonFor(event);
    if (!button || button.disabled) {
      return;
    }
    event.preventDefault();
    press(button);
  });
})();
