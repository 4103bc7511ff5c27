// The page's words in the page's language: Django's JavaScript catalogue (/jsi18n/, loaded by
// base.html before any module) defines gettext, ngettext and interpolate; without it the English
// text is shown. `locale` is the page's language (<html lang>), for Intl's dates and numbers.

const catalog = globalThis;

export const gettext = catalog.gettext || ((text) => text);
// `context` tells translators whom the words address ("to a student": tú; "to an adult": usted).
export const pgettext = catalog.pgettext || ((context, text) => text);
export const ngettext = catalog.ngettext || ((one, many, count) => (count === 1 ? one : many));
export const interpolate =
  catalog.interpolate ||
  ((format, values, named) =>
    named
      ? format.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]))
      : format.replace(/%s/g, () => String(values.shift())));

export const locale = document.documentElement.lang || "en";
