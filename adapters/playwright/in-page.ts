// Functions that Playwright serialises and runs inside the page. The project compiles without
// the DOM library, so the few DOM shapes they touch are declared here. Their bodies must not
// declare named inner functions (`const f = () => ...`): tsx compiles with keepNames, which
// wraps those in a `__name` helper that does not exist in the page.

/** The part of a DOM element these functions use. */
export interface DomElement {
  tagName: string;
  id: string;
  textContent: string | null;
  innerText?: string;
  parentElement: DomElement | null;
  children: ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

interface DomTable extends DomElement {
  tHead: (DomElement & { rows: ArrayLike<DomTableRow> }) | null;
  rows: ArrayLike<DomTableRow>;
}

interface DomTableRow extends DomElement {
  cells: ArrayLike<DomElement>;
  parentElement: DomElement | null;
}

/** A table as rows of cell texts: headers from <thead> or a first row made only of <th>. */
export interface ExtractedTable {
  headers: string[];
  rows: string[][];
}

/** Absolute http(s) URLs of links, as the browser resolved them against the page and its <base>. */
export const linkHrefs = (anchors: (DomElement & { href: string })[]): string[] =>
  anchors.map((anchor) => anchor.href).filter((href) => /^https?:/i.test(href));

/**
 * Tables under the matched elements (a matched <table> counts itself). Nested tables are read
 * on their own; `table.rows` already leaves their rows out of the outer table.
 */
export const readTables = (roots: DomElement[], maxRows: number): ExtractedTable[] =>
  roots
    .flatMap((root) => (root.tagName === 'TABLE' ? [root] : Array.from(root.querySelectorAll('table'))))
    .map((element) => {
      const table = element as DomTable;
      const all = Array.from(table.rows).map((row) => ({
        row,
        texts: Array.from(row.cells).map((cell) =>
          (cell.innerText ?? cell.textContent ?? '').replace(/\s+/g, ' ').trim(),
        ),
        onlyHeaders: row.cells.length > 0 && Array.from(row.cells).every((cell) => cell.tagName === 'TH'),
        inHead: row.parentElement?.tagName === 'THEAD',
      }));
      const headRows = all.filter((entry) => entry.inHead);
      const headerRow =
        headRows.length > 0 ? headRows[headRows.length - 1] : all[0]?.onlyHeaders ? all[0] : undefined;
      return {
        headers: headerRow?.texts ?? [],
        rows: all
          .filter((entry) => !entry.inHead && entry !== headerRow)
          .slice(0, maxRows)
          .map((entry) => entry.texts),
      };
    });

/**
 * Images a screen reader has no text for, by the rule axe-core's `image-alt` applies: no alt
 * attribute, no aria-label or aria-labelledby, no title, and not marked decorative with
 * role="none" or role="presentation". An empty alt="" is a deliberate "decorative" and passes.
 * Each gets a CSS selector that finds it again (its id, or nth-of-type steps up to one).
 */
export const imagesWithoutAlt = (images: (DomElement & { currentSrc: string; src: string })[]) =>
  images
    .filter(
      (image) =>
        image.getAttribute('alt') === null &&
        !(image.getAttribute('aria-label') ?? '').trim() &&
        !(image.getAttribute('aria-labelledby') ?? '').trim() &&
        !(image.getAttribute('title') ?? '').trim() &&
        !['none', 'presentation'].includes((image.getAttribute('role') ?? '').trim().toLowerCase()),
    )
    .map((image) => {
      const steps: string[] = [];
      for (let node: DomElement | null = image; node && node.tagName !== 'HTML'; node = node.parentElement) {
        if (node.id && /^[A-Za-z][\w-]*$/.test(node.id)) {
          steps.unshift(`#${node.id}`);
          break;
        }
        const tag = node.tagName.toLowerCase();
        const parent: DomElement | null = node.parentElement;
        const current: DomElement = node;
        const sameTag = parent
          ? Array.from(parent.children).filter((child) => child.tagName === current.tagName)
          : [current];
        steps.unshift(sameTag.length > 1 ? `${tag}:nth-of-type(${sameTag.indexOf(current) + 1})` : tag);
      }
      return { src: image.currentSrc || image.src, selector: steps.join(' > ') };
    });

/** What kind of control a form field is, to choose between fill, selectOption and setChecked. */
export const controlKind = (element: DomElement & { type?: string; isContentEditable?: boolean }) =>
  element.tagName === 'SELECT'
    ? 'select'
    : element.tagName === 'INPUT' && (element.type === 'checkbox' || element.type === 'radio')
      ? 'check'
      : element.tagName === 'INPUT' && element.type === 'file'
        ? 'file'
        : 'text';

/** Submits the form a field belongs to, as pressing its submit button would (with validation and submit events). */
export const submitOwningForm = (element: DomElement & { form?: { requestSubmit(): void } | null }) => {
  if (!element.form) return false;
  element.form.requestSubmit();
  return true;
};
