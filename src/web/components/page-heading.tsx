/**
 * The page's one `<h1>`. After a client-side navigation, focus moves to it so
 * screen-reader and keyboard users start at the new page's content (the
 * browser would do the equivalent on a full page load).
 */
import { useEffect, useRef, type ReactNode } from 'react';

let focusPending = false;

/**
 * Moves focus to the page heading now if it is rendered, otherwise as soon
 * as one mounts (pages that load data render their heading later).
 */
export function focusPageHeadingSoon(): void {
  const heading = document.querySelector<HTMLElement>('main h1');
  if (heading) {
    focusPending = false;
    heading.focus();
  } else {
    focusPending = true;
  }
}

/** Props of {@link PageHeading}. */
export interface PageHeadingProps {
  children: ReactNode;
  /** A small line above the heading naming the section, e.g. the procedure. */
  caption?: string | undefined;
  size?: 'xl' | 'l';
}

/**
 * An `<h1>` that takes the pending post-navigation focus when it mounts;
 * focusable by script (tabIndex -1) but not in the tab order. Used inside
 * legends and labels when the question is the page heading.
 */
export function HeadingShell({ children, className }: { children: ReactNode; className: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusPending && ref.current) {
      focusPending = false;
      ref.current.focus();
    }
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className={className}>
      {children}
    </h1>
  );
}

/** The page heading, with an optional caption above it. */
export function PageHeading({ children, caption, size = 'l' }: PageHeadingProps) {
  return (
    <HeadingShell className={`heading-${size}`}>
      {caption ? <span className="caption">{caption}</span> : null}
      {children}
    </HeadingShell>
  );
}
