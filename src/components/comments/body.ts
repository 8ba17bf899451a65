import { html, type TemplateResult } from 'lit/html.js';

/**
 * A comment's text as paragraphs (split at blank lines) with its line breaks kept.
 * Built from Lit templates, so the text is always text, never markup.
 */
export function renderBody(text: string): TemplateResult[] {
  return text
    .split(/\n\s*\n/)
    .filter((p) => p.trim() !== '')
    .map((paragraph) => {
      const lines = paragraph.split('\n');
      return html`<p>${lines.map((line, i) => (i === 0 ? line : html`<br />${line}`))}</p>`;
    });
}
