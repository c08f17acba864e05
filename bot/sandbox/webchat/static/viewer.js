// The photo viewer: a photo in a chat is covered by a button; pressing it (click, tap, Enter or
// Space) shows the photo at full size over the page. Escape, a click or tap anywhere, or the close
// button closes it, and the focus goes back to the photo.

let opener = null;

function viewer() {
  return document.getElementById("viewer");
}

export function openPhoto(button) {
  const photo = button.parentElement && button.parentElement.querySelector("img.photo");
  const dialog = viewer();
  if (!photo || !dialog) return;
  opener = button;
  const image = dialog.querySelector(".viewer-image");
  image.src = photo.currentSrc || photo.src;
  image.alt = photo.alt;
  dialog.querySelector(".viewer-caption").textContent = photo.alt === "Photo" ? "" : photo.alt.replace(/^Photo: /, "");
  dialog.showModal();
  dialog.querySelector(".viewer-close").focus();
}

function closePhoto() {
  const dialog = viewer();
  if (dialog && dialog.open) dialog.close();
}

export function initViewer() {
  const dialog = viewer();
  if (!dialog) return;
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button.photo-open") : null;
    if (button) openPhoto(button);
  });
  dialog.addEventListener("click", closePhoto); // the photo, the backdrop or the close button
  dialog.addEventListener("close", () => {
    dialog.querySelector(".viewer-image").removeAttribute("src");
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  });
}
