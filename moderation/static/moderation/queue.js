// Review queue: new items appear without a reload; urgent items and safeguarding alerts raise the
// banner. Everything is inserted with textContent, never as HTML.
//
// A live row reads exactly as a rendered one: the labels come from the page (#queue-labels, the
// same display names the server renders) and times go through the one formatter (when.js).

import { gettext, interpolate } from "../frontend/i18n.js";
import { formatAgo, timeElement } from "../frontend/when.js";

const status = document.getElementById("live-status");
const tbody = document.querySelector("#queue tbody");
const banner = document.getElementById("urgent-banner");
const bannerText = document.getElementById("urgent-text");
const bannerLink = document.getElementById("urgent-link");
const labels = JSON.parse(document.getElementById("queue-labels").textContent);
const alertsUrl = status.dataset.alerts || "";

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

function upsertRow(item) {
  const row = tbody.querySelector(`tr[data-item="${Number(item.id)}"]`);
  if (item.status === "resolved") {
    if (row) row.remove();
    return;
  }
  const fresh = buildRow(item);
  if (row) {
    row.replaceWith(fresh);
  } else {
    tbody.querySelector("tr.empty")?.remove();
    tbody.prepend(fresh);
  }
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
  socket.addEventListener("open", () => {
    status.textContent = gettext("Live: new items appear here as they arrive.");
    delay = 1000;
  });
  socket.addEventListener("message", (e) => {
    const event = JSON.parse(e.data);
    if (event.type === "review.item" || event.type === "review.updated") upsertRow(event.item);
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
    status.textContent = gettext("Live updates disconnected; reconnecting…");
    // 4403: not staff; 4001: the session ended (sign in again). Neither is worth a retry.
    if (e.code !== 4403 && e.code !== 4001) setTimeout(() => connect(Math.min(delay * 2, 30000)), delay);
  });
}

connect(1000);
