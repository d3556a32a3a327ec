/**
 * Accepting or rejecting one document. Rejecting opens a box in place asking
 * for the reason, which the citizen reads in the email the server sends (a
 * GOV.UK character count shows what is left of the limit); an empty or
 * over-long reason is reported to the page's error summary and beside the
 * field. Accepting needs no confirmation: it can be changed afterwards.
 */
import type { TFunction } from 'i18next';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DOCUMENT_LIMITS, type ReviewRequest, type StaffDocumentsView } from '../../../../shared/documents.ts';
import { reviewDocument, type StaffDocument } from '../../../api/staff-documents-api.ts';
import { describedBy, ErrorMessage } from '../../../components/error-message.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { StaffConfirm } from '../../../components/staff-confirm.tsx';

/** Shortest reason the server accepts (after trimming). */
const REASON_MIN = 3;

/** Statuses from which a document may be accepted: reviewed documents may change their decision. */
const ACCEPTABLE: readonly string[] = ['uploaded', 'not_scanned', 'rejected'];

/** Statuses from which a document may be rejected (the server refuses quarantined and still-scanning ones). */
const REJECTABLE: readonly string[] = ['uploaded', 'not_scanned', 'accepted'];

/** Whether a document in `status` can be accepted or rejected now (not while it is being scanned, nor when quarantined). */
export function canDecide(status: string): boolean {
  return ACCEPTABLE.includes(status) || REJECTABLE.includes(status);
}

/** The element id of a document's reason field, for error-summary links. */
export function reasonFieldId(documentId: string): string {
  return `reject-reason-${documentId}`;
}

/** Props of {@link DocumentDecision}. */
export interface DocumentDecisionProps {
  appointmentId: string;
  document: StaffDocument;
  csrfToken: string;
  /** Called when a decision was saved, with the server's new view and the message to show. */
  onDone: (view: StaffDocumentsView, message: string) => void;
  /** Called when a decision could not be saved or the reason is invalid; `fieldId` names the control. */
  onError: (message: string, fieldId?: string) => void;
  /** Called when a decision starts, to clear earlier messages. */
  onStart: () => void;
}

/** What is left of the limit, announced to screen readers once typing pauses (GOV.UK character count). */
function CharacterCount({ id, length, max }: { id: string; length: number; max: number }) {
  const { t } = useTranslation();
  const left = max - length;
  const message = left >= 0 ? t('review.decision.remaining', { count: left }) : t('review.decision.tooMany', { count: -left });
  const [announced, setAnnounced] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setAnnounced(message), 1000);
    return () => window.clearTimeout(timer);
  }, [message]);
  return (
    <>
      <div id={id} className={left >= 0 ? 'hint review-count' : 'review-count review-count--over'} aria-hidden="true">
        {message}
      </div>
      <div className="visually-hidden" aria-live="polite">
        {announced}
      </div>
    </>
  );
}

/** The reason's problem, if any. */
function reasonProblem(reason: string, fileName: string, t: TFunction): string | undefined {
  const trimmed = reason.trim();
  if (trimmed.length === 0) return t('review.decision.errors.reasonRequired', { file: fileName });
  if (trimmed.length < REASON_MIN) return t('review.decision.errors.reasonTooShort', { min: REASON_MIN });
  if (trimmed.length > DOCUMENT_LIMITS.rejectionReasonMax) {
    return t('review.decision.errors.reasonTooLong', { max: DOCUMENT_LIMITS.rejectionReasonMax });
  }
  return undefined;
}

/** The "Accept" and "Reject" controls of one document; nothing while it is being scanned or when quarantined. */
export function DocumentDecision({ appointmentId, document: doc, csrfToken, onDone, onError, onStart }: DocumentDecisionProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const rejectButton = useRef<HTMLButtonElement>(null);
  const canAccept = ACCEPTABLE.includes(doc.status);
  const canReject = REJECTABLE.includes(doc.status);
  if (!canDecide(doc.status)) return null;

  const fieldId = reasonFieldId(doc.id);
  const hintId = `${fieldId}-hint`;
  const countId = `${fieldId}-count`;
  const errorId = reasonError ? `${fieldId}-error` : undefined;

  const decide = async (decision: ReviewRequest, message: string) => {
    if (busy) return;
    setBusy(true);
    onStart();
    try {
      const view = await reviewDocument(csrfToken, appointmentId, doc.id, decision);
      setOpen(false);
      setReason('');
      onDone(view, message);
    } catch (error) {
      onError(problemMessage(error, t), decision.decision === 'reject' ? fieldId : undefined);
    } finally {
      setBusy(false);
    }
  };

  const close = () => {
    setOpen(false);
    setReasonError(undefined);
    // The opener is rendered again in place of the box: give it focus once it is back.
    window.setTimeout(() => rejectButton.current?.focus(), 0);
  };

  if (open) {
    return (
      <StaffConfirm id={`reject-title-${doc.id}`} title={t('review.decision.rejectTitle', { file: doc.fileName })}>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const problem = reasonProblem(reason, doc.fileName, t);
            setReasonError(problem);
            if (problem) {
              onError(problem, fieldId);
              return;
            }
            void decide(
              { decision: 'reject', reason: reason.trim() },
              t('review.decision.rejected', { file: doc.fileName }),
            );
          }}
        >
          <div className={reasonError ? 'form-group form-group--error' : 'form-group'}>
            <label htmlFor={fieldId} className="label">
              {t('review.decision.reasonLabel')}
            </label>
            <div id={hintId} className="hint">
              {t('review.decision.reasonHint')}
            </div>
            {reasonError && errorId ? <ErrorMessage id={errorId} message={reasonError} /> : null}
            <textarea
              id={fieldId}
              name="reason"
              className={`textarea${reasonError ? ' input--error' : ''}`}
              rows={4}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              aria-describedby={describedBy(hintId, errorId, countId)}
              aria-invalid={reasonError ? true : undefined}
            />
            <CharacterCount id={countId} length={reason.trim().length} max={DOCUMENT_LIMITS.rejectionReasonMax} />
          </div>
          <div className="button-group">
            <button type="submit" className="button button--warning" aria-disabled={busy}>
              {t('review.decision.confirmReject')}
            </button>
            <button type="button" className="button button--secondary" onClick={close}>
              {t('review.decision.cancel')}
            </button>
          </div>
        </form>
      </StaffConfirm>
    );
  }

  return (
    <div className="button-group review-decision">
      {canAccept ? (
        <button
          type="button"
          className="button"
          aria-disabled={busy}
          aria-label={t('review.decision.acceptNamed', { file: doc.fileName })}
          onClick={() => void decide({ decision: 'accept' }, t('review.decision.accepted', { file: doc.fileName }))}
        >
          {t('review.decision.accept')}
        </button>
      ) : null}
      {canReject ? (
        <button
          ref={rejectButton}
          type="button"
          className="button button--warning"
          aria-label={t('review.decision.rejectNamed', { file: doc.fileName })}
          onClick={() => {
            onStart();
            setOpen(true);
          }}
        >
          {t('review.decision.reject')}
        </button>
      ) : null}
    </div>
  );
}
