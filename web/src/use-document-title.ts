import { useEffect } from 'react';

/** Sets the tab title to "<page> · Hearth". */
export function useDocumentTitle(page: string | null): void {
  useEffect(() => {
    document.title = page ? `${page} · Hearth` : 'Hearth';
  }, [page]);
}
