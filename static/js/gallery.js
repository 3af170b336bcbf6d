/*
 * Gallery behaviour that needs JavaScript: local dates, copy buttons, dismissable flashes,
 * and the htmx error convention recorded in base.html (htmx 2 does not swap 4xx/5xx, so
 * failed requests are reported here, in #flash-area). No dependencies, no globals; every
 * page still works without it.
 */
(function () {
  "use strict";

  const FORMATS = {
    short: { month: "short", day: "numeric" },
    shortWithYear: { month: "short", day: "numeric", year: "numeric" },
    long: { dateStyle: "full", timeStyle: "short" },
  };
  const NETWORK_MESSAGE = "Can't reach the server. Check your connection and try again.";

  document.documentElement.classList.add("js");

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
      let options = FORMATS.long;
      if (node.dataset.format === "short") {
        // Cards are narrow: "Mar 3" this year, "Mar 3, 2024" before; the tooltip has the rest.
        const thisYear = date.getFullYear() === new Date().getFullYear();
        options = thisYear ? FORMATS.short : FORMATS.shortWithYear;
      }
      try {
        node.title = new Intl.DateTimeFormat(undefined, FORMATS.long).format(date);
        node.textContent = new Intl.DateTimeFormat(undefined, options).format(date);
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
   * Show a message in #flash-area, built with textContent (never parsed as HTML).
   * @param {string} message
   * @param {"error"|"info"|"success"} category
   */
  function showFlash(message, category) {
    const area = document.getElementById("flash-area");
    if (!area) {
      return;
    }
    area.querySelectorAll(".flash[data-from-script]").forEach((node) => {
      if (node.textContent.trim() === message) {
        node.remove();
      }
    });
    const flash = document.createElement("div");
    flash.className = "flash flash--" + category;
    flash.dataset.fromScript = "1";
    flash.setAttribute("role", category === "error" ? "alert" : "status");
    const text = document.createElement("p");
    text.className = "flash__message";
    text.textContent = message;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "flash__close icon-button";
    close.setAttribute("aria-label", "Dismiss");
    close.dataset.dismiss = "";
    close.appendChild(closeIcon());
    flash.append(text, close);
    area.appendChild(flash);
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

  /** Success and info messages step aside after a while; errors wait to be dismissed. */
  function fadeQuietFlashes(root) {
    root.querySelectorAll(".flash--success, .flash--info").forEach((flash) => {
      window.setTimeout(() => flash.remove(), 6000);
    });
  }

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const copy = target && target.closest("[data-copy]");
    if (copy) {
      copyText(copy);
      return;
    }
    const dismiss = target && target.closest("[data-dismiss]");
    if (dismiss) {
      const flash = dismiss.closest(".flash");
      if (flash) {
        flash.remove();
      }
    }
  });

  // A deleted card takes the focus with it; hand it to a neighbour so keyboard users stay put.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!(target instanceof Element) || !target.matches(".media-card") || !event.detail.shouldSwap) {
      return;
    }
    const hadFocus = target.contains(document.activeElement);
    const next = target.nextElementSibling || target.previousElementSibling;
    window.setTimeout(() => {
      announce("Deleted.");
      if (!hadFocus) {
        return;
      }
      const link = next && document.contains(next) ? next.querySelector("a, button") : null;
      (link || document.getElementById("main")).focus();
    }, 0);
  });

  const MEDIA_FRAMES = ".media-card__link, .detail__stage";

  function markBroken(img) {
    const frame = img.closest(MEDIA_FRAMES);
    if (frame) {
      frame.classList.add("is-broken");
    }
  }

  // A remote image that fails to load (moved, expired link) shows the same placeholder as a
  // refused URL instead of the browser's broken-image icon. Errors do not bubble: capture,
  // and look for images that failed before this script ran.
  document.addEventListener(
    "error",
    (event) => {
      const img = event.target;
      if (img instanceof HTMLImageElement && img.matches(".media-card__media, .detail__media")) {
        markBroken(img);
      }
    },
    true
  );
  document.querySelectorAll("img.media-card__media, img.detail__media").forEach((img) => {
    if (img.complete) {
      img.decode().catch(() => markBroken(img));
    }
  });

  document.addEventListener("htmx:responseError", (event) => {
    showFlash(errorMessage(event.detail.xhr), "error");
  });

  document.addEventListener("htmx:sendError", () => {
    showFlash(NETWORK_MESSAGE, "error");
  });

  document.addEventListener("htmx:load", (event) => {
    if (event.detail && event.detail.elt instanceof Element) {
      localiseTimes(event.detail.elt);
    }
  });

  localiseTimes(document);
  fadeQuietFlashes(document);
})();
