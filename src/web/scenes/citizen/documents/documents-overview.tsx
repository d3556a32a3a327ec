/**
 * The document space's first page, a task list (GOV.UK pattern): each
 * document the procedure asks for, plus "other documents", with whether it
 * is mandatory, the accepted formats and size, and its status. Each links
 * to that document's own page.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DOCUMENT_LIMITS, OTHER_SLOT, type DocumentSlotView, type DocumentSpaceView } from '../../../../shared/documents.ts';
import { BackLink } from '../../../components/back-link.tsx';
import { InsetText, Tag } from '../../../components/content.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { usePageTitle } from '../../../hooks/use-page-title.ts';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';
import { DocumentStatusTag, UploadingTag } from './document-status.tsx';
import { limitsText } from './slot-text.ts';
import { needsAttention, summariseSpace } from './space-summary.ts';
import { formatPercent, progressPercent } from './transfer-stats.ts';
import type { StoredProgress, UploadController } from './use-tus-upload.ts';

/** Props of {@link DocumentsOverview}. */
export interface DocumentsOverviewProps {
  view: DocumentSpaceView;
  controller: UploadController;
  procedureName: string;
  timeZone: string;
  /** `/a/<token>`. */
  base: string;
  /** Shown below the list (the "continue on your phone" option). */
  extra?: ReactNode;
}

/** When uploads close, or that they were re-opened, or that they are closed. */
function Deadline({ view, timeZone }: { view: DocumentSpaceView; timeZone: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const at = (iso: string) => ({ date: formatInstantDate(iso, timeZone, language), time: formatInstantTime(iso, timeZone, language) });
  const now = Date.now();
  if (view.reopenedUntil && Date.parse(view.reopenedUntil) > now) {
    return <p className="body">{t('uploads.deadline.reopened', at(view.reopenedUntil))}</p>;
  }
  if (Date.parse(view.deadline) > now) return <p className="body">{t('uploads.deadline.until', at(view.deadline))}</p>;
  const otherOpen = view.slots.some((s) => s.open);
  return (
    <InsetText>
      <p className="body">{otherOpen ? t('uploads.deadline.passedOtherOpen', at(view.deadline)) : t('uploads.deadline.closed', at(view.deadline))}</p>
    </InsetText>
  );
}

function SlotStatusTag({ slot, uploading, id }: { slot: DocumentSlotView; uploading: boolean; id: string }) {
  const { t } = useTranslation();
  if (uploading) return <UploadingTag id={id} />;
  if (slot.slot === OTHER_SLOT && !needsAttention(slot.status)) {
    return (
      <span id={id}>
        <Tag colour={slot.documents.length > 0 ? 'blue' : 'grey'}>{t('uploads.other.count', { count: slot.documents.length })}</Tag>
      </span>
    );
  }
  return <DocumentStatusTag status={slot.status} id={id} />;
}

function TaskNote({ slot, controller }: { slot: DocumentSlotView; controller: UploadController }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const upload = controller.uploads[slot.slot];
  if (upload && upload.phase !== 'done' && upload.phase !== 'preparing') {
    const percent = formatPercent(progressPercent(upload.bytesSent, upload.bytesTotal), language);
    return <p className="doc-tasks__note">{t('uploads.overview.uploading', { percent })}</p>;
  }
  if (controller.failures[slot.slot]) return <p className="doc-tasks__note doc-tasks__note--error">{t('uploads.overview.failed')}</p>;
  const stored: StoredProgress | undefined = controller.stored.find((s) => s.slot === slot.slot);
  if (stored && slot.open) {
    return (
      <p className="doc-tasks__note">
        {stored.offset === null
          ? t('uploads.overview.stoppedUnknown')
          : t('uploads.overview.stopped', { percent: formatPercent(progressPercent(stored.offset, stored.size), language) })}
      </p>
    );
  }
  return null;
}

/** The task list of the document space. */
export function DocumentsOverview({ view, controller, procedureName, timeZone, base, extra }: DocumentsOverviewProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  usePageTitle(t('uploads.title'));
  const summary = summariseSpace(view);
  const required = view.slots.filter((s) => s.slot !== OTHER_SLOT);
  return (
    <>
      <BackLink to={`${base}/appointment`} />
      <PageHeading caption={procedureName}>{t('uploads.title')}</PageHeading>
      <Deadline view={view} timeZone={timeZone} />
      {required.length === 0 ? <p className="body">{t('uploads.overview.noneRequired')}</p> : null}
      {summary.mandatoryTotal > 0 ? (
        <p className="body">{t('uploads.overview.progress', { provided: summary.mandatoryProvided, total: summary.mandatoryTotal })}</p>
      ) : null}
      <ul className="doc-tasks">
        {view.slots.map((slot, index) => {
          const upload = controller.uploads[slot.slot];
          const uploading = upload !== undefined && upload.phase !== 'done';
          const hintId = `task-${index}-hint`;
          const statusId = `task-${index}-status`;
          return (
            <li key={slot.slot} className="doc-tasks__item">
              <div className="doc-tasks__text">
                <Link
                  className="doc-tasks__link"
                  to={`${base}/documents?slot=${encodeURIComponent(slot.slot)}`}
                  aria-describedby={`${hintId} ${statusId}`}
                >
                  {slot.name}
                </Link>
                <div id={hintId} className="hint doc-tasks__hint">
                  <span className="block">
                    {slot.slot === OTHER_SLOT
                      ? t('uploads.other.max', { max: DOCUMENT_LIMITS.otherDocumentsMax })
                      : slot.mandatory
                        ? t('documents.mandatory')
                        : t('documents.optional')}
                  </span>
                  <span className="block">{limitsText(slot, t, language)}</span>
                </div>
                <TaskNote slot={slot} controller={controller} />
              </div>
              <div className="doc-tasks__status">
                <SlotStatusTag slot={slot} uploading={uploading} id={statusId} />
              </div>
            </li>
          );
        })}
      </ul>
      {extra}
      <p className="body">
        <Link to={`${base}/appointment`}>{t('uploads.backToAppointment')}</Link>
      </p>
    </>
  );
}
