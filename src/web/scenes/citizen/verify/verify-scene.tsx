/**
 * "Check a document": anyone holding a receipt types its secure
 * verification code (or scans its QR code, which opens `/verify/<CSV>`) and
 * sees what the registry says about it, with the sealed original to
 * download and compare. One question per page (GOV.UK): the form, then the
 * result; errors in a summary at the top that takes focus, and at the field.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { isAbort } from '../../../api/client.ts';
import { fetchVerification, verificationDocumentUrl } from '../../../api/verify-api.ts';
import { SummaryList, WarningText } from '../../../components/content.tsx';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { PageHeading } from '../../../components/page-heading.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { TextField } from '../../../components/text-field.tsx';
import { useLanguage } from '../../../hooks/use-language.ts';
import { usePageTitle } from '../../../hooks/use-page-title.ts';
import { formatInstantDate, formatInstantTime } from '../../../i18n/format.ts';
import { CSV_INPUT_MAX, normaliseCsv, type VerificationView } from '../../../../shared/registry.ts';

/** The code form; with `/verify/:csv`, the result for that code (or why there is none). */
export function VerifyScene() {
  const { csv: fromUrl } = useParams();
  // Every navigation is a new look-up, even to the same code (checking it again after a failure).
  const { key } = useLocation();
  return fromUrl ? <VerifyResult key={`${fromUrl}:${key}`} input={fromUrl} /> : <VerifyForm initial="" />;
}

function VerifyForm({ initial, problem }: { initial: string; problem?: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | undefined>(problem);
  const [submits, setSubmits] = useState(problem ? 1 : 0);
  usePageTitle(t('verify.title'), Boolean(error));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const csv = normaliseCsv(value);
    if (value.trim() === '') setError(t('verify.errors.required'));
    else if (csv === null) setError(t('verify.errors.format'));
    else {
      void navigate(`/verify/${csv}`);
      return;
    }
    setSubmits((n) => n + 1);
  };

  return (
    <>
      <ErrorSummary errors={error ? [{ message: error, fieldId: 'csv' }] : []} focusKey={submits} />
      <PageHeading>{t('verify.title')}</PageHeading>
      <p className="body">{t('verify.intro')}</p>
      <form onSubmit={submit} noValidate>
        <TextField
          id="csv"
          name="csv"
          label={t('verify.label')}
          hint={t('verify.hint')}
          value={value}
          onChange={setValue}
          error={error}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          width="full"
          maxLength={CSV_INPUT_MAX}
        />
        <button type="submit" className="button">
          {t('verify.submit')}
        </button>
      </form>
    </>
  );
}

type Lookup = { state: 'loading' } | { state: 'found'; view: VerificationView } | { state: 'failed'; message: string };

function VerifyResult({ input }: { input: string }) {
  const { t } = useTranslation();
  const csv = normaliseCsv(input);
  const [lookup, setLookup] = useState<Lookup>({ state: 'loading' });

  useEffect(() => {
    if (csv === null) return;
    const controller = new AbortController();
    fetchVerification(csv, controller.signal).then(
      (view) => setLookup({ state: 'found', view }),
      (e: unknown) => {
        if (isAbort(e)) return;
        // An unknown or malformed code goes back to the form with the server's explanation.
        setLookup({ state: 'failed', message: problemMessage(e, t) });
      },
    );
    return () => controller.abort();
  }, [csv, t]);

  if (csv === null) return <VerifyForm initial={input} problem={t('verify.errors.format')} />;
  if (lookup.state === 'failed') return <VerifyForm initial={csv} problem={lookup.message} />;
  if (lookup.state === 'loading') return <VerifyLoading />;
  return <VerifyFound view={lookup.view} />;
}

function VerifyLoading() {
  const { t } = useTranslation();
  usePageTitle(t('verify.title'));
  return (
    <>
      <PageHeading>{t('verify.title')}</PageHeading>
      <p className="body" role="status">
        {t('verify.loading')}
      </p>
    </>
  );
}

function VerifyFound({ view }: { view: VerificationView }) {
  const { t } = useTranslation();
  const language = useLanguage();
  usePageTitle(t('verify.foundTitle'));
  const date = formatInstantDate(view.registeredAt, view.timeZone, language);
  const time = formatInstantTime(view.registeredAt, view.timeZone, language);
  return (
    <>
      <PageHeading>{t('verify.foundTitle')}</PageHeading>
      <p className="body" role="status">
        {t('verify.found', { number: view.entryNumber })}
      </p>
      {view.document.testSeal ? <WarningText>{t('verify.testSeal')}</WarningText> : null}
      <SummaryList
        rows={[
          { key: 'csv', label: t('verify.fields.csv'), value: <code>{view.csv}</code> },
          { key: 'number', label: t('verify.fields.number'), value: view.entryNumber },
          { key: 'date', label: t('verify.fields.date'), value: t('verify.dateTime', { date, time }) },
          { key: 'organ', label: t('verify.fields.organ'), value: t('verify.organ', { name: view.organ.name, dir3: view.organ.dir3 }) },
          { key: 'procedure', label: t('verify.fields.procedure'), value: view.procedure },
          { key: 'type', label: t('verify.fields.type'), value: t('verify.documentTypes.TD09') },
          { key: 'interested', label: t('verify.fields.interested'), value: view.interestedInitials },
          { key: 'sha256', label: t('verify.fields.sha256'), value: view.document.sha256 ? <code className="review-hash__value">{view.document.sha256}</code> : t('verify.notReady') },
        ]}
      />
      {view.document.available ? (
        <p className="body">
          <a className="button" href={verificationDocumentUrl(view.csv)} download={`${view.entryNumber}.pdf`}>
            {t('verify.download', { number: view.entryNumber })}
          </a>
        </p>
      ) : null}
      <p className="body">{t('verify.compare')}</p>
      <p className="body">
        <Link to="/verify">{t('verify.another')}</Link>
      </p>
    </>
  );
}
