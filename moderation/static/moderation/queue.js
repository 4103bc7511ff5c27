// Review queue: new items appear without a reload; urgent items and safeguarding alerts raise the
// banner. Everything is inserted with textContent, never as HTML.

const status = document.getElementById("live-status");
const tbody = document.querySelector("#queue tbody");
const banner = document.getElementById("urgent-banner");
const bannerText = document.getElementById("urgent-text");

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function upsertRow(item) {
  let row = tbody.querySelector(`tr[data-item="${Number(item.id)}"]`);
  if (item.status === "resolved") {
    if (row) row.remove();
    return;
  }
  const fresh = document.createElement("tr");
  fresh.dataset.item = String(Number(item.id));
  fresh.className = `prio-${item.priority}`;
  const link = document.createElement("a");
  link.href = `/staff/items/${Number(item.id)}/`;
  link.textContent = `#${item.id}`;
  const first = document.createElement("td");
  first.append(link);
  fresh.append(first, cell(item.priority), cell(item.source), cell(item.categories.join(", ")),
    cell(item.status), cell(new Date(item.created_at).toLocaleString()));
  if (row) {
    row.replaceWith(fresh);
  } else {
    tbody.querySelector("tr.empty")?.remove();
    tbody.prepend(fresh);
  }
}

function raise(text) {
  bannerText.textContent = text;
  banner.hidden = false;
}

function connect(delay) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${status.dataset.socket}`);
  socket.addEventListener("open", () => {
    status.textContent = "Live: new items appear here as they arrive.";
    delay = 1000;
  });
  socket.addEventListener("message", (e) => {
    const event = JSON.parse(e.data);
    if (event.type === "review.item" || event.type === "review.updated") upsertRow(event.item);
    if (event.type === "review.urgent") raise(`New urgent item #${event.item.id} needs review now.`);
    if (event.type === "safeguarding.alert") raise(`Safeguarding alert on item #${event.item.id}.`);
    if (event.type === "review.escalated" && event.repeat) {
      raise(`Urgent item #${event.item.id} has waited past the limit and was escalated again.`);
    }
  });
  socket.addEventListener("close", (e) => {
    status.textContent = "Live updates disconnected; reconnecting…";
    // 4403: not staff; 4001: the session ended (sign in again). Neither is worth a retry.
    if (e.code !== 4403 && e.code !== 4001) setTimeout(() => connect(Math.min(delay * 2, 30000)), delay);
  });
}

connect(1000);
