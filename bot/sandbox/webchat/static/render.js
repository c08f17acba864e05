// Drawing messages. Text arrives as a tree of strings and whitelisted nodes (the server parsed
// the bot's HTML or Markdown); it is turned into DOM nodes with textContent, never innerHTML.

const TAGS = {
  b: "strong",
  i: "em",
  u: "u",
  s: "s",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
};

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// The schemes a link may have: the same list as SAFE_SCHEMES in rich_text.py.
export function safeHref(href) {
  return typeof href === "string" && /^(https?:\/\/|tg:\/\/)/i.test(href) ? href : null;
}

// The tree as DOM nodes; `onCommand("/start")` runs when a /command link is clicked.
export function renderTree(tree, onCommand) {
  const fragment = document.createDocumentFragment();
  for (const item of tree || []) {
    if (typeof item === "string") {
      fragment.append(document.createTextNode(item));
      continue;
    }
    const children = renderTree(item.children, onCommand);
    let node;
    if (item.tag === "a") {
      const href = safeHref(item.href);
      node = href
        ? el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" })
        : el("span", { class: "link-without-target" });
    } else if (item.tag === "cmd") {
      const command = textOf(item.children);
      node = el("button", {
        type: "button",
        class: "command-link",
        title: `Send ${command}`,
        onclick: () => onCommand(command),
      });
    } else if (item.tag === "tg-spoiler") {
      node = el("span", {
        class: "spoiler",
        role: "button",
        tabindex: "0",
        "aria-label": "Spoiler: press to reveal",
      });
      const reveal = () => {
        node.classList.add("revealed");
        node.removeAttribute("role");
        node.removeAttribute("tabindex");
        node.removeAttribute("aria-label");
      };
      node.addEventListener("click", reveal);
      node.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          reveal();
        }
      });
    } else if (TAGS[item.tag]) {
      node = el(TAGS[item.tag]);
      if (item.tag === "pre" && item.language) node.dataset.language = item.language;
    } else {
      node = el("span");
    }
    node.append(children);
    fragment.append(node);
  }
  return fragment;
}

export function textOf(tree) {
  return (tree || []).map((item) => (typeof item === "string" ? item : textOf(item.children))).join("");
}

export function timeOf(unixSeconds) {
  return new Date(unixSeconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function dayOf(unixSeconds) {
  return new Date(unixSeconds * 1000).toLocaleDateString([], {
    weekday: "long",
    day: "numeric",
    month: "long",
  });
}

function sizeOf(bytes) {
  if (!bytes && bytes !== 0) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const KIND_LABELS = {
  video: "Video",
  audio: "Audio",
  voice: "Voice message",
  animation: "GIF",
  sticker: "Sticker",
  video_note: "Video message",
};

// The medium of a message (photo, document, contact…), or null.
export function renderMedia(message) {
  const file = message.file;
  if (message.kind === "photo" && file) {
    const image = el("img", {
      class: "photo",
      src: `/chat/files/${encodeURIComponent(file.file_id)}`,
      alt: message.body.length ? `Photo: ${textOf(message.body)}` : "Photo",
      loading: "lazy",
    });
    if (file.width && file.height) {
      image.width = file.width;
      image.height = file.height;
    }
    // the photo stays an image (with its description); a button over it opens the viewer
    return el("div", { class: "photo-frame" }, image, el("button", {
      type: "button",
      class: "photo-open",
      "aria-haspopup": "dialog",
      "aria-label": "Open the photo full size",
    }));
  }
  if (message.contact) {
    const contact = message.contact;
    const name = [contact.first_name, contact.last_name].filter(Boolean).join(" ");
    return el("div", { class: "attachment" }, el("span", { class: "icon", "aria-hidden": "true" }, "👤"),
      el("span", {}, el("strong", {}, name), el("br"), contact.phone_number));
  }
  if (message.location) {
    const { latitude, longitude } = message.location;
    return el("div", { class: "attachment" }, el("span", { class: "icon", "aria-hidden": "true" }, "📍"),
      `Location ${latitude.toFixed(4)}, ${longitude.toFixed(4)}`);
  }
  if (file) {
    const label = message.kind === "document" ? file.file_name || "Document" : KIND_LABELS[message.kind] || message.kind;
    const details = [sizeOf(file.size), file.duration ? `${file.duration} s` : ""].filter(Boolean).join(" · ");
    return el("a", {
      class: "attachment",
      href: `/chat/files/${encodeURIComponent(file.file_id)}`,
      download: file.file_name || "",
    }, el("span", { class: "icon", "aria-hidden": "true" }, message.kind === "sticker" ? file.emoji || "🖼" : "📄"),
      el("span", {}, el("strong", {}, label), details ? el("br") : null, details || null));
  }
  return null;
}
