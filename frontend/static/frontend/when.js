// Times as people read them, for rows that arrive live: the same text as the server's `when`
// and `ago` filters (frontend/templatetags/trellis_time.py), in the viewer's school zone, which
// base.html passes as <body data-tz>, and in the page's language (<html lang>), as the server's
// filters are in the active one. Keep the two in step.

import { gettext, interpolate, locale, ngettext } from "./i18n.js";

// English keeps the day-month order of the server's "D j M"; other languages name their own days
// and months (Intl), in the same order.
const namesLocale = locale === "en" ? "en-GB" : locale;

const zone = document.body.dataset.tz || "UTC";

function parts(date, locale, options) {
  const out = {};
  for (const part of new Intl.DateTimeFormat(locale, { timeZone: zone, ...options }).formatToParts(date)) {
    out[part.type] = part.value;
  }
  return out;
}

// "Wed 3 Dec, 12:15 CST"
export function formatWhen(value) {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const p = parts(date, namesLocale, {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23",
  });
  // The zone's abbreviation as the server's zone database names it (CST, EDT); en-US has them.
  const name = parts(date, "en-US", { timeZoneName: "short" }).timeZoneName;
  // The server's "M" capitalises the month's abbreviation in every language ("Dic").
  const month = p.month.charAt(0).toUpperCase() + p.month.slice(1);
  return `${p.weekday} ${p.day} ${month}, ${p.hour}:${p.minute} ${name}`;
}

// "Wednesday 3 December" ("miércoles, 3 de diciembre"), the day separator of the conversation page.
export function formatDay(value) {
  const date = value instanceof Date ? value : new Date(value);
  const options = { weekday: "long", day: "numeric", month: "long" };
  if (locale !== "en") return new Intl.DateTimeFormat(locale, { timeZone: zone, ...options }).format(date);
  const p = parts(date, "en-GB", options);
  return `${p.weekday} ${p.day} ${p.month}`;
}

// The calendar day in the school zone, to tell when a separator is due.
export function dayKey(value) {
  const date = value instanceof Date ? value : new Date(value);
  const p = parts(date, "en-CA", { year: "numeric", month: "2-digit", day: "2-digit" });
  return `${p.year}-${p.month}-${p.day}`;
}

// "just now", "5 minutes ago", "2 hours ago", "3 days ago"
export function formatAgo(value, now = new Date()) {
  const date = value instanceof Date ? value : new Date(value);
  const seconds = Math.max(0, Math.floor((now - date) / 1000));
  if (seconds < 60) return gettext("just now");
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return interpolate(ngettext("%(n)s minute ago", "%(n)s minutes ago", minutes), { n: minutes }, true);
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return interpolate(ngettext("%(n)s hour ago", "%(n)s hours ago", hours), { n: hours }, true);
  const days = Math.floor(hours / 24);
  return interpolate(ngettext("%(n)s day ago", "%(n)s days ago", days), { n: days }, true);
}

// A <time> element like the server's {% time_tag %}.
export function timeElement(value, style = "when") {
  const el = document.createElement("time");
  el.dateTime = new Date(value).toISOString();
  el.dataset.style = style;
  if (style === "ago") {
    el.title = formatWhen(value);
    el.textContent = formatAgo(value);
  } else {
    el.textContent = formatWhen(value);
  }
  return el;
}
