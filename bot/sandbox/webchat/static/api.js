// Talking to the sandbox: the web chat's read API, the control API people act through (the
// bot then receives the same updates Telegram would send), and the live-update socket.

async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body instanceof FormData) {
    options.body = body;
  } else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (!response.ok) {
    const reason = data && data.error ? data.error : `${response.status} ${response.statusText}`;
    throw new Error(reason);
  }
  return data;
}

export const api = {
  state: () => call("GET", "/chat/api/state"),
  chat: (userId) => call("GET", `/chat/api/chats/${userId}`),
  createUser: (firstName, languageCode) =>
    call("POST", "/sandbox/users", { first_name: firstName, language_code: languageCode }),
  sendText: (userId, text, replyTo) =>
    call("POST", `/sandbox/users/${userId}/messages`, {
      text,
      ...(replyTo ? { reply_to_message_id: replyTo } : {}),
    }),
  sendFile: (userId, file, caption, replyTo) => {
    const kind = /^image\/(png|jpeg|gif|webp)$/.test(file.type) ? "photo" : "document";
    const form = new FormData();
    form.append("file", file, file.name);
    if (caption) form.append("caption", caption);
    if (replyTo) form.append("reply_to_message_id", String(replyTo));
    return call("POST", `/sandbox/users/${userId}/${kind}`, form);
  },
  edit: (userId, messageId, text) =>
    call("POST", `/sandbox/users/${userId}/edit`, { message_id: messageId, text }),
  press: (userId, messageId, callbackData) =>
    call("POST", `/sandbox/users/${userId}/press`, {
      message_id: messageId,
      callback_data: callbackData,
    }),
  advanceClock: (seconds) => call("POST", "/sandbox/clock", { advance_seconds: seconds }),
};

// The live feed. `onEvent` gets every pushed event; `onStatus` gets "open" or "closed".
// It reconnects by itself, and the page reloads its state on every (re)connection.
export function connect(onEvent, onStatus) {
  let delay = 500;
  const open = () => {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}/chat/ws`);
    socket.addEventListener("open", () => {
      delay = 500;
      onStatus("open");
    });
    socket.addEventListener("message", (message) => {
      try {
        onEvent(JSON.parse(message.data));
      } catch (error) {
        console.error("web chat: bad event", error);
      }
    });
    socket.addEventListener("close", () => {
      onStatus("closed");
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 5000);
    });
  };
  open();
}
