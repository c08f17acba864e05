// The web chat page: people, open chats side by side, the sandbox clock, the walkthrough, and
// live updates from the sandbox's socket.

import { api, connect } from "./api.js";
import { ChatView } from "./chat.js";
import { el } from "./render.js";
import { initViewer } from "./viewer.js";

const OPEN_KEY = "mentorbot-webchat-open";
const state = {
  bot: { first_name: "Mentorbot" },
  users: new Map(),
  menus: {},
  views: new Map(),
  unread: new Map(),
  clockOffset: 0,
  guide: [],
  defaultOpen: [],
};
const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ toasts and alerts

function notify(text, anchor, isError = false) {
  const where = anchor && anchor.querySelector(".scroller") ? anchor : null;
  const toast = el("div", { class: `toast${isError ? " error" : ""}` }, where ? `${where.getAttribute("aria-label")}: ` : "", text);
  $("toasts").append(toast);
  setTimeout(() => toast.remove(), isError ? 6000 : 3500);
}

function alertBox(text) {
  $("alert-title").textContent = state.bot.first_name;
  $("alert-text").textContent = text;
  const dialog = $("alert");
  if (!dialog.open) dialog.showModal();
}

// ------------------------------------------------------------------ people

function renderPeople() {
  const list = $("people");
  list.replaceChildren();
  for (const user of state.users.values()) {
    const open = state.views.has(user.id);
    const unread = state.unread.get(user.id) || 0;
    const button = el("button", {
      type: "button",
      class: "person",
      "aria-pressed": String(open),
      onclick: () => (open ? focusChat(user.id) : openChat(user.id, true)),
    },
    el("span", { class: "avatar", "aria-hidden": "true" }, (user.first_name || "?").slice(0, 1).toUpperCase()),
    el("span", { class: "person-text" },
      el("span", { class: "person-name" }, user.first_name),
      el("span", { class: "person-last" }, user.last_message || "No messages yet")),
    unread ? el("span", { class: "badge", "aria-label": `${unread} unread` }, String(unread)) : null);
    list.append(el("li", {}, button));
  }
}

function setUsers(users) {
  state.users = new Map(users.map((user) => [user.id, user]));
  for (const [id, view] of state.views) {
    const user = state.users.get(id);
    if (!user) closeChat(view);
    else {
      view.user = user;
      view.renderStatus();
    }
  }
  renderPeople();
}

// ------------------------------------------------------------------ chats

function saveOpen() {
  localStorage.setItem(OPEN_KEY, JSON.stringify([...state.views.keys()]));
}

async function openChat(userId, focus = false) {
  const user = state.users.get(userId);
  if (!user) return;
  let view = state.views.get(userId);
  if (!view) {
    view = new ChatView(user, { onClose: closeChat, notify, alert: alertBox, botName: state.bot.first_name });
    state.views.set(userId, view);
    $("chats").append(view.root);
    view.autosize();
    view.setMenu(state.menus[String(userId)]);
    saveOpen();
  }
  $("no-chats").hidden = true;
  state.unread.delete(userId);
  renderPeople();
  try {
    const data = await api.chat(userId);
    view.load(data.messages);
    view.setMenu(data.menu);
  } catch (error) {
    notify(`Could not load the chat: ${error.message}`, null, true);
  }
  if (focus) focusChat(userId);
}

function focusChat(userId) {
  const view = state.views.get(userId);
  if (!view) return;
  view.root.scrollIntoView({ behavior: "smooth", inline: "nearest", block: "nearest" });
  view.input.focus();
}

function closeChat(view) {
  view.root.remove();
  state.views.delete(view.user.id);
  $("no-chats").hidden = state.views.size > 0;
  saveOpen();
  renderPeople();
}

// ------------------------------------------------------------------ clock

function renderClock() {
  const now = new Date(Date.now() + state.clockOffset * 1000);
  const clock = $("clock-now");
  clock.dateTime = now.toISOString();
  clock.textContent = now.toLocaleString([], {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  });
}

function setClock(clock) {
  state.clockOffset = clock.offset_seconds;
  renderClock();
}

async function advance(seconds, button) {
  button.disabled = true;
  try {
    setClock(await api.advanceClock(seconds));
    notify(`The clock moved forward ${button.textContent.replace("+", "")}.`);
  } catch (error) {
    notify(`Could not move the clock: ${error.message}`, null, true);
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ walkthrough

function renderGuide() {
  $("guide").hidden = !state.guide.length;
  $("guide-steps").replaceChildren(...state.guide.map((step) => {
    const item = el("li", {}, el("strong", {}, step.title), el("p", {}, step.text));
    const user = step.chat ? state.users.get(step.chat) : null;
    if (user) {
      item.append(el("button", { type: "button", class: "link", onclick: () => openChat(user.id, true) }, `Open ${user.first_name}'s chat`));
    }
    if (user && step.say) {
      item.append(" ", el("button", {
        type: "button",
        class: "link",
        onclick: async () => {
          await openChat(user.id, true);
          try {
            await api.sendText(user.id, step.say);
          } catch (error) {
            notify(`Could not send ${step.say}: ${error.message}`, null, true);
          }
        },
      }, `Send ${step.say} as ${user.first_name}`));
    }
    return item;
  }));
}

// ------------------------------------------------------------------ live updates

function onEvent(event) {
  const view = state.views.get(event.chat_id);
  switch (event.type) {
    case "hello":
      reload();
      break;
    case "reset":
      reload();
      break;
    case "message":
    case "edit":
      if (view) view.upsert(event.message);
      if (event.type === "message" && event.message.from_bot && (!view || document.hidden)) {
        state.unread.set(event.chat_id, (state.unread.get(event.chat_id) || 0) + 1);
      }
      refreshPerson(event.chat_id, event.message);
      break;
    case "delete":
      if (view) view.remove(event.message_id);
      break;
    case "callback_answer":
      if (view) view.callbackAnswer(event.answer);
      break;
    case "typing":
      if (view) view.typing(event.action, event.seconds);
      break;
    case "users":
      setUsers(event.users);
      renderGuide();
      break;
    case "menus":
      state.menus = event.menus;
      for (const [id, chatView] of state.views) chatView.setMenu(state.menus[String(id)]);
      break;
    case "clock":
      setClock(event.clock);
      break;
    default:
      break;
  }
}

function refreshPerson(userId, message) {
  const user = state.users.get(userId);
  if (!user) return;
  user.last_message = message.snippet || user.last_message;
  renderPeople();
}

async function reload() {
  try {
    const data = await api.state();
    state.bot = data.bot;
    state.menus = data.menus;
    state.guide = data.guide || [];
    state.defaultOpen = data.open || [];
    document.title = `${data.title} — web chat`;
    $("title").textContent = data.title;
    setClock(data.clock);
    setUsers(data.users);
    renderGuide();
    let wanted = [...state.views.keys()];
    if (!wanted.length) {
      try {
        wanted = JSON.parse(localStorage.getItem(OPEN_KEY) || "[]");
      } catch (error) {
        wanted = [];
      }
      wanted = wanted.filter((id) => state.users.has(id));
      if (!wanted.length) wanted = state.defaultOpen.filter((id) => state.users.has(id));
    }
    await Promise.all(wanted.map((id) => openChat(id)));
  } catch (error) {
    notify(`Could not reach the sandbox: ${error.message}`, null, true);
  }
}

function onStatus(status) {
  const label = $("connection");
  label.textContent = status === "open" ? "Live" : "Reconnecting…";
  label.classList.toggle("offline", status !== "open");
}

// ------------------------------------------------------------------ start

document.querySelectorAll("[data-advance]").forEach((button) => {
  button.addEventListener("click", () => advance(Number(button.dataset.advance), button));
});
$("new-person").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("new-name").value.trim();
  if (!name) return;
  try {
    const user = await api.createUser(name, $("new-language").value);
    state.users.set(user.id, { ...user, last_message: null });
    $("new-name").value = "";
    renderPeople();
    await openChat(user.id, true);
  } catch (error) {
    notify(`Could not add ${name}: ${error.message}`, null, true);
  }
});
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) {
    for (const id of state.views.keys()) state.unread.delete(id);
    renderPeople();
  }
});
initViewer();
window.addEventListener("resize", () => {
  for (const view of state.views.values()) view.autosize();
});
setInterval(renderClock, 15000);
connect(onEvent, onStatus);
