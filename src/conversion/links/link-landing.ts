/** The page `/l/<code>` shows for a code that is not a tracked link: small, no scripts, never a redirect. */
const WORDS = {
  en: ['This link is not known', 'Check the link, or ask whoever shared it for a new one.'],
  'zh-CN': ['找不到这个链接', '请检查链接，或向分享给你的人要一个新的。'],
} as const;

export function unknownLinkPage(lang: 'zh-CN' | 'en'): string {
  const [title, body] = WORDS[lang];
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;margin:0;padding:2rem 1rem;text-align:center;color:#1f2933;background:#f7f7f5}main{max-width:26rem;margin:0 auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}h1{font-size:1.3rem}</style></head>
<body><main data-landing="unknown-link"><h1>${title}</h1><p>${body}</p></main></body></html>`;
}
