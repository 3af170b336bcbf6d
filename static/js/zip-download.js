/**
 * Zip downloads with a progress bar. Every "Download zip" control ([data-zip-download]) is a
 * real download without JavaScript: the bulk toolbar's button posts the ticked cards to the
 * gallery's zip route, the history's link is a GET. With JavaScript the zip is read through
 * the API (data-zip-api) with fetch, and a bar shows how much of it has arrived (the server
 * sends its exact Content-Length).
 *
 * Memory: a zip read by fetch is held by the page until it is saved, so only zips up to
 * IN_PAGE_LIMIT are read that way. A bigger one is handed to the browser's own download
 * (which writes to disk as it goes and shows its own progress), and the page says that the
 * download has started and how big it is.
 */
(function () {
  "use strict";

  /** The biggest zip read into the page (bytes); bigger ones go to the browser's download. */
  const IN_PAGE_LIMIT = 256 * 1024 * 1024;

  let panel = null;

  function humanSize(bytes) {
    const units = ["bytes", "KB", "MB", "GB", "TB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit += 1;
    }
    return (unit === 0 ? String(value) : value.toFixed(value < 10 ? 1 : 0)) + " " + units[unit];
  }

  /** The progress panel (a live region), made once and reused. */
  function progressPanel() {
    if (panel && document.contains(panel.root)) {
      return panel;
    }
    const root = document.createElement("div");
    root.className = "zip-progress";
    root.id = "zip-progress";
    root.hidden = true;
    const text = document.createElement("p");
    text.className = "zip-progress__text";
    text.setAttribute("role", "status");
    text.setAttribute("aria-live", "polite");
    const bar = document.createElement("progress");
    bar.className = "zip-progress__bar";
    bar.max = 1;
    bar.setAttribute("aria-label", "Zip download progress");
    const close = document.createElement("button");
    close.type = "button";
    close.className = "button button--ghost button--small zip-progress__close";
    close.textContent = "Dismiss";
    close.addEventListener("click", () => {
      root.hidden = true;
    });
    root.append(text, bar, close);
    document.body.append(root);
    panel = { root, text, bar, close };
    return panel;
  }

  function show(message, fraction) {
    const p = progressPanel();
    p.root.hidden = false;
    p.text.textContent = message;
    if (fraction === null) {
      p.bar.hidden = true;
    } else {
      p.bar.hidden = false;
      if (fraction === undefined) {
        p.bar.removeAttribute("value"); // indeterminate
      } else {
        p.bar.value = fraction;
      }
    }
    p.root.classList.toggle("is-done", fraction === null);
  }

  function fileNameOf(response, fallback) {
    const header = response.headers.get("Content-Disposition") || "";
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (encoded) {
      try {
        return decodeURIComponent(encoded[1]);
      } catch (error) {
        /* fall through to the plain name */
      }
    }
    const plain = /filename="([^"]+)"/i.exec(header);
    return plain ? plain[1] : fallback;
  }

  async function errorOf(response) {
    try {
      const body = await response.json();
      if (body && body.error) {
        return body.error;
      }
    } catch (error) {
      /* not the API's envelope */
    }
    return "The zip could not be made (" + response.status + "). Try again.";
  }

  function saveBlob(blob, name) {
    const href = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = href;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(href), 60000);
  }

  /**
   * Download a zip from the API with a progress bar; `native` starts the browser's own
   * download instead (for a zip too big to hold in the page, or a browser without streams).
   */
  async function download(url, init, native) {
    show("Preparing your zip…", undefined);
    const controller = new AbortController();
    let response;
    try {
      response = await fetch(url, { ...init, credentials: "same-origin", signal: controller.signal });
    } catch (error) {
      show("The download could not start: check your connection and try again.", null);
      return;
    }
    if (!response.ok) {
      show(await errorOf(response), null);
      return;
    }
    const total = Number(response.headers.get("Content-Length")) || 0;
    const name = fileNameOf(response, "mediaapp.zip");
    // <body data-zip-in-page-limit="bytes"> may lower (or raise) the limit.
    const limit = Number(document.body.dataset.zipInPageLimit) || IN_PAGE_LIMIT;
    if (!response.body || !total || total > limit) {
      controller.abort();
      native();
      show(
        "Your download of " + name + (total ? " (" + humanSize(total) + ")" : "") +
          " has started: your browser’s downloads show its progress.",
        null
      );
      return;
    }
    const reader = response.body.getReader();
    const chunks = [];
    let received = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        chunks.push(value);
        received += value.length;
        show(
          "Downloading " + name + ": " + humanSize(received) + " of " + humanSize(total) +
            " (" + Math.floor((received / total) * 100) + "%)",
          received / total
        );
      }
    } catch (error) {
      show("The download stopped before the end; try again.", null);
      return;
    }
    saveBlob(new Blob(chunks, { type: "application/zip" }), name);
    show("Downloaded " + name + " (" + humanSize(received) + ").", null);
  }

  // The bulk toolbar's button: its ticked cards, through the API as JSON.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      const button = event.submitter;
      if (!(form instanceof HTMLFormElement) || !button || !button.matches("[data-zip-download]")) {
        return;
      }
      // Before htmx (which would post the toolbar's action instead) and gallery.js.
      event.preventDefault();
      event.stopPropagation();
      const ids = new FormData(form).getAll("ids");
      if (!ids.length) {
        return;
      }
      const native = () => {
        const action = form.getAttribute("action");
        form.setAttribute("action", button.getAttribute("formaction"));
        HTMLFormElement.prototype.submit.call(form); // no submit event: htmx stays out of it
        form.setAttribute("action", action);
      };
      download(
        button.dataset.zipApi,
        {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/zip, application/json" },
          body: JSON.stringify({ ids }),
        },
        native
      );
    },
    true
  );

  // The history's links: a GET through the API with the same filters.
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[data-zip-download]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    download(link.dataset.zipApi, { method: "GET" }, () => {
      const native = document.createElement("a");
      native.href = link.href;
      native.download = "";
      native.hidden = true;
      document.body.append(native);
      native.click();
      native.remove();
    });
  });
})();
