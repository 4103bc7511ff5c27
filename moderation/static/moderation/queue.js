// Review queue: new items appear without a reload; urgent items and safeguarding alerts raise the
// banner. Everything is inserted with textContent, never as HTML.
//
// A live row reads exactly as a rendered one: the labels come from the page (#queue-labels, the
// same display names the server renders) and times go through the one formatter (when.js), and it
// takes its place in the server's order (priority first, then oldest first).
//
// Live events are a doorbell that can miss a ring (Redis pub/sub keeps nothing for a socket that
// was reconnecting). So each time the socket opens, and every data-refresh seconds while the page
// is visible, the page asks for the whole queue and redraws the table from the answer. The timed
// request says "auto": it is not the moderator's activity and keeps no session alive.

import { gettext, interpolate } from "../frontend/i18n.js";
import { formatAgo, timeElement } from "../frontend/when.js";

const status = document.getElementById("live-status");
const tbody = document.querySelector("#queue tbody");
const banner = document.getElementById("urgent-banner");
const bannerText = document.getElementById("urgent-text");
const bannerLink = document.getElementById("urgent-link");
const labels = JSON.parse(document.getElementById("queue-labels").textContent);
const alertsUrl = status.dataset.alerts || "";
const refreshMs = Math.max(2, Number(status.dataset.refresh) || 10) * 1000;
const RANK = { low: 0, normal: 1, high: 2, urgent: 3 };

function label(kind, code) {
  return (labels[kind] && labels[kind][code]) || code;
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function statusText(item) {
  const who = item.assigned_to ? labels.staff[String(item.assigned_to)] : "";
  return who ? `${label("status", item.status)} (${who})` : label("status", item.status);
}

export function buildRow(item) {
  const row = document.createElement("tr");
  row.dataset.item = String(Number(item.id));
  row.dataset.priority = item.priority;
  row.className = `prio-${item.priority}`;
  const link = document.createElement("a");
  link.href = `/staff/items/${Number(item.id)}/`;
  link.textContent = `#${Number(item.id)}`;
  const first = document.createElement("td");
  first.append(link);
  const waiting = document.createElement("td");
  waiting.append(timeElement(item.created_at, "ago"));
  row.append(first, cell(label("priority", item.priority)), cell(label("source", item.source)),
    cell(item.categories.join(", ")), cell(statusText(item)), waiting);
  return row;
}

// Whether row `a` comes before row `b` in the server's order (review_selectors.review_queue):
// higher priority first, then the older item (ids grow with creation).
function before(a, b) {
  const ra = RANK[a.dataset.priority] ?? 0;
  const rb = RANK[b.dataset.priority] ?? 0;
  return ra !== rb ? ra > rb : Number(a.dataset.item) < Number(b.dataset.item);
}

function place(row) {
  const next = [...tbody.querySelectorAll("tr[data-item]")].find((other) => before(row, other));
  tbody.insertBefore(row, next || null);
}

function showEmptyIfNone() {
  if (tbody.querySelector("tr[data-item]") || tbody.querySelector("tr.empty")) return;
  const row = document.createElement("tr");
  row.className = "empty";
  const td = cell(labels.text.empty);
  td.colSpan = 6;
  row.append(td);
  tbody.append(row);
}

function upsertRow(item) {
  tbody.querySelector(`tr[data-item="${Number(item.id)}"]`)?.remove();
  if (item.status !== "resolved") {
    tbody.querySelector("tr.empty")?.remove();
    place(buildRow(item));
  }
  showEmptyIfNone();
}

// The time-to-first-action table, rendered by the server from the queue page's own template
// (moderation/_levels.html), so a live table reads exactly as a reloaded one. The markup is the
// server's (numbers and its own labels, no user text); it is parsed inert, never run.
function redrawLevels(html) {
  const current = document.querySelector("#levels tbody");
  if (!html || !current) return;
  const fresh = new DOMParser().parseFromString(html, "text/html").querySelector("#levels tbody");
  if (fresh) current.replaceWith(document.adoptNode(fresh));
}

// The whole queue, as the server has it now: the table becomes exactly that.
function redraw(items) {
  const rows = items.filter((item) => item.status !== "resolved").map(buildRow);
  tbody.replaceChildren(...rows);
  showEmptyIfNone();
}

// Relative times move on while the page is open, rendered and live rows alike.
function refreshTimes() {
  for (const el of document.querySelectorAll('time[data-style="ago"]')) {
    el.textContent = formatAgo(el.dateTime);
  }
}
setInterval(refreshTimes, 30000);

// The banner leads where the reader can act: the alerts page for those who receive alerts,
// else the item itself.
function raise(text, item, toAlerts = false) {
  bannerText.textContent = text;
  if (toAlerts && alertsUrl) {
    bannerLink.href = alertsUrl;
    bannerLink.textContent = labels.text.see_alerts;
  } else {
    bannerLink.href = `/staff/items/${Number(item.id)}/`;
    bannerLink.textContent = labels.text.open_item.replace("{id}", String(Number(item.id)));
  }
  bannerLink.hidden = false;
  banner.hidden = false;
}

function connect(delay) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${status.dataset.socket}`);
  let timer = null;
  const ask = (auto) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify(auto ? { type: "queue", auto: true } : { type: "queue" }));
  };
  socket.addEventListener("open", () => {
    status.textContent = gettext("Live: new items appear here as they arrive.");
    delay = 1000;
    ask(false);
    timer = setInterval(() => {
      if (document.visibilityState === "visible") ask(true);
    }, refreshMs);
  });
  // An item added or acted on changes the figures: ask for them (and the queue) again, once
  // for a burst of events. Not the moderator's activity ("auto").
  let levelsTimer = null;
  const askLevels = () => {
    clearTimeout(levelsTimer);
    levelsTimer = setTimeout(() => ask(true), 250);
  };
  socket.addEventListener("message", (e) => {
    const event = JSON.parse(e.data);
    if (event.type === "queue") {
      redraw(event.items);
      redrawLevels(event.levels_html);
    }
    if (event.type === "review.item" || event.type === "review.updated") {
      upsertRow(event.item);
      askLevels();
    }
    if (event.type === "review.urgent") raise(interpolate(gettext("New urgent item #%(id)s needs review now."), { id: event.item.id }, true), event.item);
    if (event.type === "safeguarding.alert") raise(interpolate(gettext("Safeguarding alert on item #%(id)s."), { id: event.item.id }, true), event.item, true);
    if (event.type === "review.escalated" && event.repeat) {
      raise(
        interpolate(gettext("Urgent item #%(id)s has waited past the limit and was escalated again."), { id: event.item.id }, true),
        event.item,
        true,
      );
    }
  });
  socket.addEventListener("close", (e) => {
    clearInterval(timer);
    status.textContent = gettext("Live updates disconnected; reconnecting…");
    // 4403: not staff; 4001: the session ended (sign in again). Neither is worth a retry.
    if (e.code !== 4403 && e.code !== 4001) setTimeout(() => connect(Math.min(delay * 2, 30000)), delay);
  });
}

connect(1000);
