/**
 * A box that opens in place on a staff page (a confirmation, or the steps of
 * a setup): a labelled group whose heading takes focus when it opens, as a
 * new page's heading would. Whoever closes it puts focus back on the opener.
 */
import { useEffect, useRef, type ReactNode } from 'react';

/** Props of {@link StaffConfirm}. */
export interface StaffConfirmProps {
  /** Id of the heading, which names the group. */
  id: string;
  title: string;
  children: ReactNode;
}

/** The box, with its heading (h3) and content. */
export function StaffConfirm({ id, title, children }: StaffConfirmProps) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div className="staff-confirm" role="group" aria-labelledby={id}>
      <h3 id={id} ref={ref} tabIndex={-1} className="heading-s">
        {title}
      </h3>
      {children}
    </div>
  );
}
