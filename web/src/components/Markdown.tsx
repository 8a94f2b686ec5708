import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

/** The assistant writes Markdown; it is rendered, then sanitised (no script, no raw HTML survives). */
export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => DOMPurify.sanitize(marked.parse(text, { async: false, gfm: true, breaks: true })), [text]);
  // biome-ignore lint/security/noDangerouslySetInnerHtml: the HTML is DOMPurify's output, sanitised above.
  return <div className="markdown" dir="auto" dangerouslySetInnerHTML={{ __html: html }} />;
}
