/**
 * Paints each stored thumbnail's blurhash behind it until the thumbnail itself arrives, so a
 * grid on a slow connection shows the colours of every card at once. A module (loaded only
 * where cards are), using the blurhash package vendored from npm to decode.
 */
import { decode } from "../vendor/blurhash/2.0.5/blurhash.js";

const SIZE = 16; // decoded pixels per side; the browser scales the blur up for free

/** Paint one image's placeholder, unless it has already loaded. */
function paint(img) {
  const hash = img.dataset.placeholder;
  if (!hash || img.dataset.placeholderPainted || (img.complete && img.naturalWidth > 0)) {
    return;
  }
  let pixels;
  try {
    pixels = decode(hash, SIZE, SIZE);
  } catch (error) {
    return; // a hash that does not decode paints nothing, and the image still loads
  }
  const canvas = document.createElement("canvas");
  canvas.width = SIZE;
  canvas.height = SIZE;
  const context = canvas.getContext("2d");
  const image = context.createImageData(SIZE, SIZE);
  image.data.set(pixels);
  context.putImageData(image, 0, 0);
  img.dataset.placeholderPainted = "1";
  img.style.backgroundImage = `url("${canvas.toDataURL()}")`;
  img.style.backgroundSize = "cover";
  img.addEventListener(
    "load",
    () => {
      img.style.backgroundImage = "";
    },
    { once: true },
  );
}

/** Paint every placeholder under root (the page, or a fragment htmx just swapped in). */
function paintAll(root) {
  if (root && root.querySelectorAll) {
    root.querySelectorAll("img[data-placeholder]").forEach(paint);
  }
}

paintAll(document);
document.addEventListener("htmx:afterSwap", (event) => paintAll(event.target));
document.addEventListener("htmx:oobAfterSwap", (event) => paintAll(event.target));
