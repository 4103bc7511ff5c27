// The conversation page's client for the user socket (docs/protocol.md).
//
// The server's database is the source of truth: this page keeps `through`, the highest sequence
// number up to which it has everything it may see, and asks the server to resume from there after
// a reconnect or whenever a live message skips ahead (a gap). Sends carry a client id and stay in
// the outbox until acknowledged, so a resend after a lost ack never makes a second message.
// It also keeps `throughChange`, up to which it has every change of state (a release, a withdrawn
// message), and resumes those too, so nothing that changed while it was away is missed.
// Message text is only ever put into the page with textContent.
// Times go through the one formatter (when.js), in the school zone the page names (body data-tz).

import { gettext, interpolate, pgettext } from "./i18n.js";
import { dayKey, formatDay, timeElement } from "./when.js";

const root = document.getElementById("conversation");
const conversationId = Number(root.dataset.conversation);
const userId = Number(root.dataset.user);
const list = document.getElementById("messages");
const statusLine = document.getElementById("connection-status");
const typingLine = document.getElementById("typing");
const form = document.getElementById("composer");
const input = document.getElementById("body");
const formError = document.getElementById("composer-error");
const olderButton = document.getElementById("older");
// In a group (data-kind "group") each other member's message is labelled with their first name
// and role, from the page's "senders" map ({user id: {name, role}}), which a
// `conversation.members` event extends when someone joins.
const isGroup = root.dataset.kind === "group";
const sendersScript = document.getElementById("senders");
const senders = new Map(Object.entries(sendersScript ? JSON.parse(sendersScript.textContent) : {}));
// Students are addressed as "tú", mentors and staff as "usted" (data-audience, set by the page).
const toStudent = root.dataset.audience === "student";
const WORDS = toStudent
  ? {
      held: pgettext("to a student", "Held for review: only you can see this"),
      other: pgettext("to a student", "Your match"),
      empty: pgettext("to a student", "Write something first."),
      typing: pgettext("to a student", "Your match is typing…"),
      quick: pgettext("to a student", "You are sending quickly; your message will go in a moment."),
      ended: pgettext("to a student", "Your session ended. Please sign in again."),
    }
  : {
      held: pgettext("to an adult", "Held for review: only you can see this"),
      other: pgettext("to an adult", "Your match"),
      empty: pgettext("to an adult", "Write something first."),
      typing: pgettext("to an adult", "Your match is typing…"),
      quick: pgettext("to an adult", "You are sending quickly; your message will go in a moment."),
      ended: pgettext("to an adult", "Your session ended. Please sign in again."),
    };

const STATE_LABELS = {
  sending: gettext("Sending…"),
  pending: gettext("Waiting for review"),
  held: WORDS.held,
  delivered: gettext("Sent"),
  flagged: gettext("Sent"),
  released: gettext("Sent"),
  rejected: gettext("Not delivered"),
  failed: gettext("Not sent"),
};
// Receipts only for what reached the other side: a held, rejected or unsent message was not seen.
const DELIVERED = new Set(["delivered", "flagged", "released"]);
const NO_RECONNECT = new Set([4001]);
// Cards the program addresses to this member alone (a crisis reply): shown apart, never "sent".
const CARD_KINDS = new Set(["support", "guidance"]);

let socket = null;
let through = 0; // everything with seq <= through has been received (or is not ours to see)
let throughChange = null; // every state change <= this is shown; null until the first history
let resumeInFlight = false;
let attempt = 0;
let reconnectTimer = null;
let lastTypingSent = 0;
let typingTimer = null;
let readSent = 0;
let loaded = false; // the newest page of history has been shown
let othersRead = 0;
const outbox = new Map(); // client_id -> body, until acknowledged
const bySeq = new Map(); // seq -> <li>
const byClientId = new Map(); // own client_id -> <li>

function setStatus(text) {
  statusLine.textContent = text;
}

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(frame));
    return true;
  }
  return false;
}

// -- rendering (textContent only) -------------------------------------------------------------

function authorLabel(message) {
  if (message.kind === "system") return gettext("Program");
  if (message.kind === "support") return root.dataset.authorSupport;
  if (message.kind === "guidance") return root.dataset.authorGuidance;
  if (message.sender === userId) return gettext("You");
  return isGroup ? senderLabel(message.sender) : WORDS.other;
}

function senderLabel(sender) {
  const who = senders.get(String(sender));
  if (!who) return gettext("A group member");
  const label = who.role === "mentor" ? gettext("%(name)s (mentor)") : gettext("%(name)s (student)");
  return interpolate(label, { name: who.name }, true);
}

// Relabel what is on the page when the senders map grew (someone joined the group).
function relabelSenders() {
  for (const li of list.querySelectorAll("li[data-sender]")) {
    if (li.dataset.kind !== "user" || Number(li.dataset.sender) === userId) continue;
    li.querySelector(".author").textContent = senderLabel(li.dataset.sender);
  }
}

// The page no longer shows a conversation the server now refuses (docs/security.md).
function dropConversation(status) {
  list.replaceChildren();
  bySeq.clear();
  byClientId.clear();
  outbox.clear();
  olderButton.hidden = true;
  document.getElementById("send").disabled = true;
  setStatus(status);
}

function renderState(li, state) {
  li.dataset.state = state;
  const label = CARD_KINDS.has(li.dataset.kind) ? "" : STATE_LABELS[state] || state;
  li.querySelector(".state").textContent = label;
  if (!DELIVERED.has(state)) li.querySelector(".seen").textContent = "";
}

function buildItem({
  author,
  body,
  state,
  mine,
  kind = "user",
  createdAt = null,
  id = null,
  sender = null,
}) {
  const li = document.createElement("li");
  li.className = mine ? "message mine" : "message";
  li.dataset.kind = kind;
  if (sender !== null && sender !== undefined) li.dataset.sender = String(sender);
  if (createdAt) li.dataset.created = createdAt;
  if (CARD_KINDS.has(kind)) {
    li.classList.add("card", kind);
    const only = document.createElement("p");
    only.className = "only-you";
    only.textContent = root.dataset.onlyYou;
    li.append(only);
  }
  const meta = document.createElement("div");
  meta.className = "meta";
  const who = document.createElement("span");
  who.className = "author";
  who.textContent = author;
  const stateSpan = document.createElement("span");
  stateSpan.className = "state";
  const seen = document.createElement("span");
  seen.className = "seen";
  const when = createdAt ? timeElement(createdAt) : document.createElement("time");
  when.classList.add("sent-at");
  meta.append(who, " · ", when, CARD_KINDS.has(kind) ? "" : " · ", stateSpan, seen);
  const text = document.createElement("p");
  text.className = "body";
  text.textContent = body;
  li.append(meta, text);
  if (!mine && kind === "user" && id !== null) li.append(reportControl(id));
  renderState(li, state);
  return li;
}

function setTime(li, createdAt) {
  if (!createdAt || li.dataset.created) return;
  li.dataset.created = createdAt;
  li.querySelector("time.sent-at").replaceWith(
    Object.assign(timeElement(createdAt), { className: "sent-at" }),
  );
}

// A day heading on the first message of each school day (drawn by the style sheet from
// data-day, so the list holds only messages); redrawn after every insertion.
function renderDays() {
  let last = null;
  for (const li of list.children) {
    const key = li.dataset.created ? dayKey(li.dataset.created) : null;
    if (key && key !== last) {
      li.dataset.day = formatDay(li.dataset.created);
      last = key;
    } else {
      delete li.dataset.day;
    }
  }
}

// -- reports and help (POST /report/ with the page's CSRF token) ------------------------------

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]').content;
}

async function fileReport(fields) {
  const response = await fetch("/report/", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    credentials: "same-origin",
    body: JSON.stringify({ conversation: conversationId, ...fields }),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.detail || root.dataset.reportFailed);
  return data;
}

function reportControl(messageId) {
  const wrap = document.createElement("div");
  wrap.className = "report-control";
  const open = document.createElement("button");
  open.type = "button";
  open.className = "link report-open";
  open.textContent = root.dataset.reportLabel;
  const form = document.createElement("form");
  form.className = "report-form";
  form.hidden = true;
  const label = document.createElement("label");
  label.textContent = root.dataset.reportWhy;
  const reason = document.createElement("textarea");
  reason.rows = 2;
  reason.maxLength = 2000;
  reason.className = "report-reason";
  label.append(reason);
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = root.dataset.reportSend;
  const note = document.createElement("p");
  note.className = "report-status";
  note.setAttribute("role", "status");
  form.append(label, submit);
  wrap.append(open, form, note);
  open.addEventListener("click", () => {
    form.hidden = !form.hidden;
    if (!form.hidden) reason.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const result = await fileReport({ message: messageId, reason: reason.value });
      form.remove();
      open.remove();
      note.textContent = result.paused_match ? root.dataset.reportedPaused : root.dataset.reported;
    } catch (error) {
      submit.disabled = false;
      note.textContent = error.message;
    }
  });
  return wrap;
}

const helpForm = document.getElementById("help-form");
if (helpForm) {
  const helpStatus = document.getElementById("help-status");
  helpForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = helpForm.querySelector("button[type=submit]");
    button.disabled = true;
    const text = document.getElementById("help-text").value.trim();
    try {
      await fileReport({
        help: true,
        reason: `${root.dataset.helpPrefix} ${text}`.trim(),
      });
      helpForm.hidden = true;
      helpStatus.textContent = root.dataset.helpSent;
    } catch (error) {
      button.disabled = false;
      helpStatus.textContent = error.message;
    }
  });
}

function insertBySeq(li, seq) {
  li.dataset.seq = String(seq);
  for (const other of list.children) {
    const otherSeq = Number(other.dataset.seq || Infinity);
    if (otherSeq > seq) {
      list.insertBefore(li, other);
      return;
    }
  }
  list.append(li);
}

function showMessage(message) {
  if (message.conversation !== conversationId) return;
  const mine = message.sender === userId;
  let li = bySeq.get(message.seq) || (mine ? byClientId.get(message.client_id) : null);
  if (!li) {
    li = buildItem({
      author: authorLabel(message),
      body: message.body,
      state: message.state,
      mine,
      kind: message.kind,
      createdAt: message.created_at,
      id: message.id,
      sender: message.sender,
    });
    insertBySeq(li, message.seq);
  } else if (!li.dataset.seq) {
    li.remove();
    insertBySeq(li, message.seq);
  }
  setTime(li, message.created_at);
  renderState(li, message.state);
  renderDays();
  bySeq.set(message.seq, li);
  if (mine) {
    byClientId.set(message.client_id, li);
    outbox.delete(message.client_id);
  }
  updateSeen();
}

function updateSeen() {
  for (const [seq, li] of bySeq) {
    if (!li.classList.contains("mine")) continue;
    const seen = seq <= othersRead && DELIVERED.has(li.dataset.state);
    li.querySelector(".seen").textContent = seen ? ` · ${gettext("Seen")}` : "";
  }
}

// -- sequence bookkeeping ---------------------------------------------------------------------

function advance(seq) {
  if (seq === through + 1) through = seq;
  else if (seq > through + 1) resume();
}

function resume() {
  if (resumeInFlight) return;
  const frame = { type: "resume", conversation: conversationId, after_seq: through };
  if (throughChange !== null) frame.after_change = throughChange;
  resumeInFlight = send(frame);
}

function withdraw(seq) {
  // A moderator took the message back: the page no longer shows its text.
  const li = bySeq.get(seq);
  if (!li || li.classList.contains("mine")) return;
  li.querySelector(".body").textContent = gettext("This message was removed by the program staff.");
  li.querySelector(".state").textContent = gettext("Removed");
  li.dataset.state = "withdrawn";
  li.querySelector(".report-control")?.remove();
}

function markRead() {
  if (document.visibilityState !== "visible" || through <= readSent) return;
  if (send({ type: "read", conversation: conversationId, seq: through })) readSent = through;
}

// -- sending ----------------------------------------------------------------------------------

function sendOutbox() {
  for (const [clientId, body] of outbox) {
    send({ type: "send", conversation: conversationId, client_id: clientId, body });
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const body = input.value;
  if (!body.trim()) {
    formError.textContent = WORDS.empty;
    input.focus();
    return;
  }
  formError.textContent = "";
  const clientId = newClientId();
  outbox.set(clientId, body);
  const li = buildItem({ author: gettext("You"), body, state: "sending", mine: true });
  list.append(li);
  byClientId.set(clientId, li);
  send({ type: "send", conversation: conversationId, client_id: clientId, body });
  input.value = "";
  input.focus();
});

input.addEventListener("input", () => {
  const now = Date.now();
  if (now - lastTypingSent > 3000) {
    lastTypingSent = now;
    send({ type: "typing", conversation: conversationId });
  }
});

olderButton.addEventListener("click", () => {
  const oldest = Math.min(...bySeq.keys());
  send({ type: "history", conversation: conversationId, before_seq: oldest, limit: 50 });
});

// -- server events ----------------------------------------------------------------------------

const handlers = {
  hello() {
    attempt = 0;
    setStatus(gettext("Connected"));
    resumeInFlight = false;
    if (loaded) {
      resume();
    } else {
      // First the newest page; everything after it then comes by resume.
      send({ type: "history", conversation: conversationId, limit: 50, ref: "initial" });
    }
  },
  messages(event) {
    if (event.conversation !== conversationId) return;
    // State changes of messages already shown come first, as the events they replace.
    for (const change of event.changes || []) {
      if (change.type === "message") showMessage(change.message);
      else if (change.type === "message.withdrawn") withdraw(change.seq);
    }
    if (event.through_change !== undefined) throughChange = event.through_change;
    event.messages.forEach(showMessage);
    through = Math.max(through, event.through_seq);
    if (!event.more) {
      resumeInFlight = false;
      if (event.changes_more) resume();
      // Unacknowledged sends go again with the same client ids: the server stores each once.
      sendOutbox();
      markRead();
    }
  },
  history(event) {
    if (event.conversation !== conversationId) return;
    event.messages.forEach(showMessage);
    olderButton.hidden = !event.more;
    if (event.ref === "initial") {
      loaded = true;
      throughChange = event.through_change;
      list.setAttribute("aria-busy", "false");
      for (const message of event.messages) through = Math.max(through, message.seq);
      resume();
    }
  },
  message(event) {
    const message = event.message;
    if (message.conversation !== conversationId) return;
    showMessage(message);
    advance(message.seq);
    if (message.sender !== userId) {
      typingLine.textContent = "";
      markRead();
    }
  },
  ack(event) {
    if (event.conversation !== conversationId) return;
    outbox.delete(event.client_id);
    const li = byClientId.get(event.client_id);
    if (li) {
      if (!li.dataset.seq) {
        li.remove();
        insertBySeq(li, event.seq);
      }
      bySeq.set(event.seq, li);
      setTime(li, event.created_at);
      renderState(li, event.state);
      renderDays();
    }
    advance(event.seq);
  },
  "message.withdrawn"(event) {
    if (event.conversation === conversationId) withdraw(event.seq);
  },
  read(event) {
    if (event.conversation !== conversationId || event.user === userId) return;
    othersRead = Math.max(othersRead, event.seq);
    updateSeen();
  },
  typing(event) {
    if (event.conversation !== conversationId || event.user === userId) return;
    const who = isGroup ? senders.get(String(event.user)) : null;
    typingLine.textContent = who
      ? interpolate(gettext("%(name)s is typing…"), { name: who.name }, true)
      : WORDS.typing;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      typingLine.textContent = "";
    }, 5000);
  },
  rate_limited(event) {
    if (!outbox.has(event.client_id)) return;
    formError.textContent = WORDS.quick;
    setTimeout(() => {
      const body = outbox.get(event.client_id);
      if (body !== undefined) {
        send({ type: "send", conversation: conversationId, client_id: event.client_id, body });
      }
    }, event.retry_after_ms || 1000);
  },
  error(event) {
    if (event.for === "send" && event.client_id) {
      if (event.code === "unavailable") {
        // Not stored: keep it in the outbox and try again.
        setTimeout(() => {
          const body = outbox.get(event.client_id);
          if (body !== undefined) {
            send({ type: "send", conversation: conversationId, client_id: event.client_id, body });
          }
        }, 2000);
        return;
      }
      outbox.delete(event.client_id);
      const li = byClientId.get(event.client_id);
      if (li) renderState(li, "failed");
      formError.textContent = event.detail;
      return;
    }
    if (event.for === "resume") resumeInFlight = false;
    if (event.code === "unavailable") setStatus(gettext("The service is busy; retrying…"));
  },
  closing() {
    setStatus(WORDS.ended);
  },
  conversations(event) {
    // Sent after the server caught this socket up: resume if this conversation is still behind.
    const row = (event.conversations || []).find((c) => c.id === conversationId);
    if (loaded && row && row.last_seq > through) resume();
  },
  "conversation.status"(event) {
    if (event.conversation !== conversationId) return;
    const button = document.getElementById("send");
    button.disabled = !event.open;
    if (event.match_status === "closed") {
      // A closed match's conversation is no longer readable by its members (docs/security.md):
      // take the history off the page, as the server now refuses it.
      dropConversation(gettext("This conversation has ended."));
      return;
    }
    if (event.group_status === "closed") {
      // A closed group stays readable, read-only.
      setStatus(gettext("This group has ended: you can read it, but nobody can write in it."));
      return;
    }
    setStatus(event.open ? gettext("Connected") : gettext("This conversation is paused."));
  },
  "conversation.left"(event) {
    // This member was taken out of the group: the server refuses the conversation from now on.
    if (event.conversation !== conversationId) return;
    dropConversation(gettext("You are no longer in this group."));
  },
  "conversation.members"(event) {
    if (event.conversation !== conversationId) return;
    for (const member of event.members || []) {
      senders.set(String(member.user), { name: member.name, role: member.role });
    }
    relabelSenders();
  },
};

function connect() {
  clearTimeout(reconnectTimer);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}${root.dataset.socketPath}`);
  socket.addEventListener("message", (frame) => {
    let event;
    try {
      event = JSON.parse(frame.data);
    } catch {
      return;
    }
    const handler = handlers[event.type];
    if (handler) handler(event);
  });
  socket.addEventListener("close", (event) => {
    resumeInFlight = false;
    if (NO_RECONNECT.has(event.code)) {
      setStatus(WORDS.ended);
      return;
    }
    // Exponential backoff with jitter, so that a restarted server is not stampeded.
    const base = event.code === 4029 || event.code === 4008 ? 30000 : 1000;
    const delay = Math.min(30000, base * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt += 1;
    setStatus(interpolate(gettext("Reconnecting in %(seconds)s s…"), { seconds: Math.round(delay / 1000) }, true));
    reconnectTimer = setTimeout(connect, delay);
  });
}

document.addEventListener("visibilitychange", markRead);
connect();

// For tests and debugging: the page's view of the conversation.
window.trellisConversation = {
  get through() {
    return through;
  },
  get outbox() {
    return outbox.size;
  },
  get socket() {
    return socket;
  },
};
