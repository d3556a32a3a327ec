/**
 * Importing the in-person baselines from a spreadsheet saved as CSV: the
 * file is read and checked here (see baselines-csv.ts); a refused file
 * names each bad line and nothing is sent; an accepted one shows how many
 * baselines it holds, and is saved with one click (`PUT
 * /api/staff/indicators/baselines`, all of them or none).
 */
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { saveBaselines } from '../../../api/indicators-api.ts';
import { ErrorSummary } from '../../../components/error-summary.tsx';
import { describedBy, ErrorMessage } from '../../../components/error-message.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { StaffSuccessBanner } from '../../../components/staff-banner.tsx';
import { BASELINES_CSV_MAX_BYTES, BASELINES_CSV_MAX_ROWS, parseBaselinesCsv, type BaselineCsvRow } from './baselines-csv.ts';

/** Props of {@link BaselinesImport}. */
export interface BaselinesImportProps {
  csrfToken: string;
  onSaved: () => void;
}

/** The import form. */
export function BaselinesImport({ csrfToken, onSaved }: BaselinesImportProps) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<BaselineCsvRow[] | null>(null);
  const [fileName, setFileName] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [attempt, setAttempt] = useState(0);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const fail = (messages: string[]) => {
    setRows(null);
    setErrors(messages);
    setAttempt((n) => n + 1);
  };

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    setSaved(null);
    const file = event.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    if (file.size > BASELINES_CSV_MAX_BYTES) return fail([t('indicators.baselines.import.tooBig', { max: BASELINES_CSV_MAX_BYTES / 1024 })]);
    const parsed = parseBaselinesCsv(await file.text());
    if (!parsed.ok) return fail(parsed.problems.map((p) => t(`indicators.baselines.import.problem.${p.problem}`, { line: p.line, max: BASELINES_CSV_MAX_ROWS })));
    setErrors([]);
    setRows(parsed.values);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!rows) return fail([t('indicators.baselines.import.chooseFirst')]);
    setBusy(true);
    try {
      await saveBaselines(csrfToken, rows);
      setSaved(t('indicators.baselines.import.done', { count: rows.length, file: fileName }));
      setRows(null);
      onSaved();
    } catch (cause) {
      fail([problemMessage(cause, t)]);
    } finally {
      setBusy(false);
    }
  };

  const errorId = errors.length ? 'baselines-file-error' : undefined;
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="indicators-import">
      <h3 className="heading-s">{t('indicators.baselines.import.heading')}</h3>
      {saved ? <StaffSuccessBanner message={saved} /> : null}
      <ErrorSummary errors={errors.map((message) => ({ message, fieldId: 'baselines-file' }))} focusKey={attempt} />
      <div className={errors.length ? 'form-group form-group--error' : 'form-group'}>
        <label htmlFor="baselines-file" className="label">
          {t('indicators.baselines.import.file')}
        </label>
        <div id="baselines-file-hint" className="hint">
          {t('indicators.baselines.import.hint')}
        </div>
        {errorId ? <ErrorMessage id={errorId} message={errors.join(' ')} /> : null}
        <input id="baselines-file" name="file" type="file" className="doc-file-input" accept=".csv,text/csv" aria-describedby={describedBy('baselines-file-hint', errorId)} onChange={(e) => void choose(e)} />
      </div>
      {rows ? (
        <p className="body" role="status">
          {t('indicators.baselines.import.ready', { count: rows.length, file: fileName })}
        </p>
      ) : null}
      <button type="submit" className="button button--secondary" aria-disabled={busy || !rows}>
        {rows ? t('indicators.baselines.import.submit', { count: rows.length }) : t('indicators.baselines.import.submitNone')}
      </button>
    </form>
  );
}
