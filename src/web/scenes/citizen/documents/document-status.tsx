/** A document's status in words (the colour only supports them), and what it means for the citizen. */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Tag } from '../../../components/content.tsx';
import type { SlotStatus } from './space-summary.ts';

type Colour = 'blue' | 'green' | 'grey' | 'red' | 'yellow';

const COLOURS: Record<SlotStatus, Colour> = {
  missing: 'grey',
  scanning: 'yellow',
  uploaded: 'blue',
  not_scanned: 'yellow',
  quarantined: 'red',
  accepted: 'green',
  rejected: 'red',
};

/** The status label of a slot or document. */
export function statusLabel(status: SlotStatus, t: TFunction): string {
  switch (status) {
    case 'missing':
      return t('uploads.status.missing');
    case 'scanning':
      return t('uploads.status.scanning');
    case 'uploaded':
      return t('uploads.status.uploaded');
    case 'not_scanned':
      return t('uploads.status.not_scanned');
    case 'quarantined':
      return t('uploads.status.quarantined');
    case 'accepted':
      return t('uploads.status.accepted');
    case 'rejected':
      return t('uploads.status.rejected');
  }
}

/** What a document's status means and what, if anything, the citizen should do. */
export function statusHint(status: SlotStatus, t: TFunction): string | null {
  switch (status) {
    case 'scanning':
      return t('uploads.statusHint.scanning');
    case 'uploaded':
      return t('uploads.statusHint.uploaded');
    case 'not_scanned':
      return t('uploads.statusHint.not_scanned');
    case 'quarantined':
      return t('uploads.statusHint.quarantined');
    case 'accepted':
      return t('uploads.statusHint.accepted');
    case 'rejected':
      return t('uploads.statusHint.rejected');
    case 'missing':
      return null;
  }
}

/** A status tag; `id` lets a link point at it with `aria-describedby`. */
export function DocumentStatusTag({ status, id }: { status: SlotStatus; id?: string }) {
  const { t } = useTranslation();
  return (
    <span id={id}>
      <Tag colour={COLOURS[status]}>{statusLabel(status, t)}</Tag>
    </span>
  );
}

/** The tag of an upload under way (the upload is the news, not the slot's previous status). */
export function UploadingTag({ id }: { id?: string }) {
  const { t } = useTranslation();
  return (
    <span id={id}>
      <Tag colour="blue">{t('uploads.status.uploading')}</Tag>
    </span>
  );
}
