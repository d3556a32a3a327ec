/**
 * The survey's optional comments for supervisors and administrators:
 * anonymous (month, procedure, the answers and the words; never who wrote
 * them), the newest first, for the dashboard's filters.
 */
import { useTranslation } from 'react-i18next';
import { fetchSurveyComments } from '../../../api/indicators-api.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { SectionLoad } from './section-load.tsx';
import { formatMonthLong, formatNumber } from './indicators-format.ts';

/** Props of {@link SurveyComments}. */
export interface SurveyCommentsProps {
  query: Record<string, string>;
  language: string;
}

/** The comments section of the dashboard. */
export function SurveyComments({ query, language }: SurveyCommentsProps) {
  const { t } = useTranslation();
  const key = `${new URLSearchParams(query).toString()}/${language}`;
  const [state, retry] = useLoad((signal) => fetchSurveyComments(query, signal), [key]);
  let body;
  if (state.status !== 'ready') body = <SectionLoad state={state} retry={retry} />;
  else if (state.data.length === 0) body = <p className="body">{t('indicators.comments.none')}</p>;
  else {
    body = (
      <div className="staff-table-wrap" role="region" aria-labelledby="comments-caption" tabIndex={0}>
        <table className="staff-table">
          <caption id="comments-caption" className="indicators-table__caption">
            {t('indicators.comments.caption', { count: state.data.length })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('indicators.table.month')}</th>
              <th scope="col">{t('indicators.comments.procedure')}</th>
              <th scope="col">{t('indicators.col.liked')}</th>
              <th scope="col">{t('indicators.col.easy')}</th>
              <th scope="col">{t('indicators.comments.useAgain')}</th>
              <th scope="col">{t('indicators.comments.comment')}</th>
            </tr>
          </thead>
          <tbody>
            {state.data.map((c, i) => (
              // Anonymous rows have no id; the API's order is stable for one load.
              <tr key={i}>
                <td>{formatMonthLong(c.month, language)}</td>
                <td>{c.procedure}</td>
                <td>{formatNumber(c.liked, language, 0)}</td>
                <td>{formatNumber(c.easy, language, 0)}</td>
                <td>{t('indicators.comments.yesNo', { answer: c.useAgain ? 'yes' : 'no' })}</td>
                <td className="indicators-comment">{c.comment}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <section className="indicators-section" aria-labelledby="comments-heading">
      <h2 id="comments-heading" className="heading-m">
        {t('indicators.comments.title')}
      </h2>
      <p className="body">{t('indicators.comments.anonymous')}</p>
      {body}
    </section>
  );
}
