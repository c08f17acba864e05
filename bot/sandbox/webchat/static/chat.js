// One chat column: a person's private chat with the bot, drawn and behaving like Telegram's.

import { api } from "./api.js";
import { dayOf, el, renderMedia, renderTree, safeHref, textOf, timeOf } from "./render.js";

const COMPOSER_MAX = 160; // px, as style.css's max-height
const EDITABLE = new Set(["text", "photo", "document", "video", "audio", "voice", "animation"]);

export class ChatView {
  constructor(user, { onClose, notify, alert, botName }) {
    this.user = user;
    this.onClose = onClose;
    this.notify = notify;
    this.alert = alert;
    this.botName = botName;
    this.messages = new Map();
    this.mode = null; // {type: "reply"|"edit", message}
    this.typingTimer = null;
    this.menu = { commands: [] };
    this.build();
  }

  get label() {
    return `Chat of ${this.user.first_name}`;
  }

  build() {
    const id = `chat-${this.user.id}`;
    this.status = el("p", { class: "status", id: `${id}-status` }, "bot");
    this.list = el("ol", { class: "messages", role: "log", "aria-live": "polite", "aria-label": `Messages with ${this.botName}` });
    this.empty = el("div", { class: "empty" },
      el("p", {}, `This is ${this.user.first_name}'s private chat with ${this.botName}.`),
      el("button", { type: "button", class: "start", onclick: () => this.send("/start") }, "Start"));
    this.context = el("div", { class: "composer-context", hidden: true });
    this.menuPanel = el("ul", {
      class: "menu-panel",
      id: `${id}-menu`,
      hidden: true,
      "aria-label": "Bot commands",
      onkeydown: (event) => {
        if (event.key === "Escape") {
          this.toggleMenu(false);
          this.menuButton.focus();
        }
      },
    });
    this.replyKeyboard = el("div", { class: "reply-keyboard", role: "group", "aria-label": "Keyboard from the bot", hidden: true });
    this.input = el("textarea", {
      id: `${id}-input`,
      rows: "1",
      placeholder: "Message",
      "aria-label": `Message as ${this.user.first_name}`,
      onkeydown: (event) => this.onKey(event),
      oninput: () => this.autosize(),
    });
    this.fileInput = el("input", { type: "file", hidden: true, "aria-hidden": "true", tabindex: "-1", onchange: () => this.onFile() });
    this.menuButton = el("button", {
      type: "button",
      class: "menu-button",
      "aria-haspopup": "true",
      "aria-expanded": "false",
      "aria-controls": `${id}-menu`,
      onclick: () => this.toggleMenu(),
    }, "Menu");
    const composer = el("form", { class: "composer", onsubmit: (event) => { event.preventDefault(); this.submit(); } },
      this.menuButton,
      el("button", { type: "button", class: "attach", "aria-label": "Attach a photo or document", title: "Attach a photo or document", onclick: () => this.fileInput.click() }, el("img", { src: "/chat/static/attach.svg", alt: "", width: "22", height: "22" })),
      this.input,
      this.fileInput,
      el("button", { type: "submit", class: "send", "aria-label": "Send", title: "Send" }, el("img", { src: "/chat/static/send.svg", alt: "", width: "22", height: "22" })));
    this.root = el("section", { class: "chat", id, "aria-label": this.label, "data-user-id": this.user.id },
      el("header", { class: "chat-head" },
        el("div", { class: "avatar", "aria-hidden": "true" }, (this.user.first_name || "?").slice(0, 1).toUpperCase()),
        el("div", { class: "who" },
          el("h2", {}, this.user.first_name, el("span", { class: "visually-hidden" }, ` with ${this.botName}`)),
          this.status),
        el("button", { type: "button", class: "close", "aria-label": `Close ${this.user.first_name}'s chat`, title: "Close", onclick: () => this.onClose(this) }, "×")),
      el("div", { class: "scroller" }, this.empty, this.list),
      this.replyKeyboard,
      this.context,
      this.menuPanel,
      composer);
    this.renderStatus();
  }

  // ---------------------------------------------------------------- messages

  load(messages) {
    this.messages.clear();
    const nodes = messages.map((message) => {
      message.node = this.renderMessage(message);
      this.messages.set(message.id, message);
      return message.node;
    });
    this.list.replaceChildren(...nodes);
    this.refreshSeparators();
    this.empty.hidden = this.messages.size > 0;
    this.renderReplyKeyboard();
    this.scrollToEnd(true);
  }

  upsert(message, live = true) {
    const known = this.messages.get(message.id);
    this.messages.set(message.id, message);
    const item = this.renderMessage(message);
    const nearEnd = this.isNearEnd();
    if (known && known.node && known.node.isConnected) {
      known.node.replaceWith(item);
    } else {
      this.insertInOrder(item, message);
    }
    message.node = item;
    if (message.from_bot && live) this.stopTyping();
    this.empty.hidden = this.messages.size > 0;
    this.renderReplyKeyboard();
    if (!known || nearEnd) this.scrollToEnd(!live || nearEnd || !message.from_bot);
  }

  remove(messageId) {
    const known = this.messages.get(messageId);
    if (!known) return;
    known.node.remove();
    this.messages.delete(messageId);
    this.empty.hidden = this.messages.size > 0;
    this.refreshSeparators();
  }

  insertInOrder(item, message) {
    const after = [...this.list.querySelectorAll(":scope > li.message")].find(
      (node) => Number(node.dataset.id) > message.id);
    this.list.insertBefore(item, after || null);
    this.refreshSeparators();
  }

  refreshSeparators() {
    this.list.querySelectorAll(":scope > li.day").forEach((node) => node.remove());
    let lastDay = null;
    for (const node of [...this.list.querySelectorAll(":scope > li.message")]) {
      const day = dayOf(Number(node.dataset.date));
      if (day !== lastDay) {
        this.list.insertBefore(el("li", { class: "day", role: "separator" }, el("span", {}, day)), node);
        lastDay = day;
      }
    }
  }

  renderMessage(message) {
    if (message.service) {  // a pin and the like: a line across the chat, not a bubble
      return el("li", { class: "message service", role: "note", "data-id": message.id, "data-date": message.date },
        el("span", {}, message.service));
    }
    const mine = !message.from_bot;
    const bubble = el("div", { class: "bubble" });
    if (message.reply_to) {
      const quoted = this.messages.get(message.reply_to.id);
      bubble.append(el("button", {
        type: "button",
        class: "quote",
        "aria-label": `In reply to ${message.reply_to.sender || "a deleted message"}: ${message.reply_to.snippet}`,
        onclick: () => quoted && quoted.node && this.highlight(quoted.node),
      }, el("strong", {}, message.reply_to.sender || "Deleted"), el("span", {}, message.reply_to.snippet)));
    }
    const media = renderMedia(message);
    if (media) bubble.append(media);
    if (message.body.length) {
      bubble.append(el("div", { class: "text" }, renderTree(message.body, (command) => this.send(command))));
    }
    bubble.append(el("span", { class: "meta" },
      message.edited ? el("span", { class: "edited" }, "edited ") : null,
      el("time", { datetime: new Date(message.date * 1000).toISOString() }, timeOf(message.date)),
      mine ? el("span", { class: "ticks", "aria-label": "sent" }, " ✓✓") : null));
    const item = el("li", {
      class: `message ${mine ? "mine" : "theirs"}`,
      "data-id": message.id,
      "data-date": message.date,
      "aria-label": `${mine ? this.user.first_name : this.botName}, ${timeOf(message.date)}`,
    }, bubble);
    if (message.buttons.length) item.append(this.renderKeyboard(message));
    const actions = el("div", { class: "actions" },
      el("button", { type: "button", onclick: () => this.startReply(message) }, "Reply"));
    if (mine && (message.is_text || (EDITABLE.has(message.kind) && message.kind !== "text"))) {
      actions.append(el("button", { type: "button", onclick: () => this.startEdit(message) }, "Edit"));
    }
    item.append(actions);
    return item;
  }

  renderKeyboard(message) {
    const keyboard = el("div", { class: "keyboard", role: "group", "aria-label": "Buttons" });
    for (const row of message.buttons) {
      const line = el("div", { class: "row" });
      for (const button of row) {
        if ("url" in button) {
          const href = safeHref(button.url);
          line.append(href
            ? el("a", { class: "key", href, target: "_blank", rel: "noopener noreferrer nofollow" }, button.text, el("span", { "aria-hidden": "true" }, " ↗"))
            : el("span", { class: "key" }, button.text));
          continue;
        }
        const key = el("button", { type: "button", class: "key" }, button.text);
        key.addEventListener("click", () => this.press(message, button, key));
        line.append(key);
      }
      keyboard.append(line);
    }
    return keyboard;
  }

  renderReplyKeyboard() {
    const last = [...this.messages.values()].filter((m) => m.from_bot).pop();
    const rows = last && last.reply_keyboard;
    this.replyKeyboard.replaceChildren();
    this.replyKeyboard.hidden = !rows;
    for (const row of rows || []) {
      this.replyKeyboard.append(el("div", { class: "row" },
        ...row.map((text) => el("button", { type: "button", class: "key", onclick: () => this.send(text) }, text))));
    }
  }

  highlight(node) {
    node.scrollIntoView({ block: "center", behavior: "smooth" });
    node.classList.add("highlight");
    setTimeout(() => node.classList.remove("highlight"), 1500);
  }

  isNearEnd() {
    const scroller = this.list.parentElement;
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  scrollToEnd(force) {
    const scroller = this.list.parentElement;
    if (force || this.isNearEnd()) requestAnimationFrame(() => { scroller.scrollTop = scroller.scrollHeight; });
  }

  // ---------------------------------------------------------------- status, menu, answers

  typing(action, seconds) {
    this.typingAction = action;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), seconds * 1000);
    this.renderStatus();
  }

  stopTyping() {
    clearTimeout(this.typingTimer);
    this.typingAction = null;
    this.renderStatus();
  }

  renderStatus() {
    const words = {
      typing: "typing",
      upload_photo: "sending a photo",
      upload_document: "sending a file",
      upload_video: "sending a video",
      record_voice: "recording a voice message",
      upload_voice: "sending a voice message",
      choose_sticker: "choosing a sticker",
    };
    this.root.classList.toggle("is-typing", Boolean(this.typingAction));
    this.status.replaceChildren(this.typingAction
      ? el("span", { class: "typing" }, `${this.botName} is ${words[this.typingAction] || "typing"}`, el("span", { class: "dots", "aria-hidden": "true" }, "…"))
      : `with ${this.botName} (bot)${this.user.language_code ? ` · ${this.user.language_code}` : ""}${this.user.blocked ? " · blocked the bot" : ""}`);
  }

  setMenu(menu) {
    this.menu = menu || { commands: [] };
    this.menuButton.hidden = !this.menu.commands.length;
    this.menuButton.textContent = this.menu.scope === "chat" ? "Menu ★" : "Menu";
    this.menuButton.title = this.menu.scope === "chat" ? "Commands for this chat only" : "Bot commands";
    this.menuPanel.replaceChildren(...this.menu.commands.map((command) =>
      el("li", {}, el("button", { type: "button", onclick: () => { this.toggleMenu(false); this.send(`/${command.command}`); } },
        el("span", { class: "command" }, `/${command.command}`),
        el("span", { class: "description" }, command.description)))));
  }

  toggleMenu(force) {
    const open = force === undefined ? this.menuPanel.hidden : force;
    this.menuPanel.hidden = !open;
    this.menuButton.setAttribute("aria-expanded", String(open));
    if (open) {
      const first = this.menuPanel.querySelector("button");
      if (first) first.focus();
    }
  }

  callbackAnswer(answer) {
    const message = this.messages.get(answer.message_id);
    if (message && message.node) {
      message.node.querySelectorAll(".key.pending").forEach((key) => {
        key.classList.remove("pending");
        key.removeAttribute("aria-busy");
      });
    }
    if (!answer.text) return;
    if (answer.show_alert) this.alert(answer.text);
    else this.notify(answer.text, this.root);
  }

  // ---------------------------------------------------------------- acting as the person

  async act(action) {
    try {
      return await action();
    } catch (error) {
      this.notify(`Could not do that: ${error.message}`, this.root, true);
      return null;
    }
  }

  async press(message, button, key) {
    key.classList.add("pending");
    key.setAttribute("aria-busy", "true");
    setTimeout(() => { key.classList.remove("pending"); key.removeAttribute("aria-busy"); }, 15000);
    await this.act(() => api.press(this.user.id, message.id, button.callback_data));
  }

  async send(text) {
    const replyTo = this.mode && this.mode.type === "reply" ? this.mode.message.id : null;
    const sent = await this.act(() => api.sendText(this.user.id, text, replyTo));
    if (sent) this.clearMode();
    return sent;
  }

  async submit() {
    const text = this.input.value.trim();
    if (!text) return;
    let done;
    if (this.mode && this.mode.type === "edit") {
      done = await this.act(() => api.edit(this.user.id, this.mode.message.id, text));
      if (done) this.clearMode();
    } else {
      done = await this.send(text);
    }
    if (done) {
      this.input.value = "";
      this.autosize();
    }
    this.input.focus();
  }

  async onFile() {
    const file = this.fileInput.files[0];
    this.fileInput.value = "";
    if (!file) return;
    const caption = this.input.value.trim();
    const replyTo = this.mode && this.mode.type === "reply" ? this.mode.message.id : null;
    const sent = await this.act(() => api.sendFile(this.user.id, file, caption, replyTo));
    if (sent) {
      this.input.value = "";
      this.autosize();
      this.clearMode();
    }
  }

  onKey(event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      this.submit();
    } else if (event.key === "Escape") {
      if (!this.menuPanel.hidden) this.toggleMenu(false);
      else this.clearMode();
    } else if (event.key === "ArrowUp" && !this.input.value) {
      const own = [...this.messages.values()].filter((m) => !m.from_bot && m.is_text).pop();
      if (own) {
        event.preventDefault();
        this.startEdit(own);
      }
    }
  }

  // The composer fits what is typed, up to COMPOSER_MAX; a scroll bar only past that. (Its box
  // includes its border: the height is the text's plus the border, else a pixel of text overflows.)
  autosize() {
    const box = this.input;
    if (!box.isConnected) return;
    box.style.height = "auto";
    const wanted = box.scrollHeight + box.offsetHeight - box.clientHeight;
    box.style.height = `${Math.min(wanted, COMPOSER_MAX)}px`;
    box.style.overflowY = wanted > COMPOSER_MAX ? "auto" : "hidden";
  }

  startReply(message) {
    this.mode = { type: "reply", message };
    const who = message.from_bot ? this.botName : this.user.first_name;
    this.showContext(`Reply to ${who}`, textOf(message.body) || message.kind);
  }

  startEdit(message) {
    this.mode = { type: "edit", message };
    this.input.value = textOf(message.body);
    this.autosize();
    this.showContext("Edit message", textOf(message.body) || message.kind);
  }

  showContext(title, detail) {
    this.context.replaceChildren(
      el("div", {}, el("strong", {}, title), el("span", {}, detail.slice(0, 90))),
      el("button", { type: "button", class: "cancel", "aria-label": `Cancel: ${title}`, onclick: () => this.clearMode() }, "×"));
    this.context.hidden = false;
    this.input.focus();
  }

  clearMode() {
    if (this.mode && this.mode.type === "edit") {
      this.input.value = "";
      this.autosize();
    }
    this.mode = null;
    this.context.hidden = true;
    this.context.replaceChildren();
  }
}
