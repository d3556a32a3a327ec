/**
 * After the call (see `src/shared/surveys.ts`): the agent's wrap-up, and the
 * citizen's satisfaction survey from their session or from the emailed link.
 */
import type { SurveyAnswer, SurveyView, WrapupRequest, WrapupView } from '../../shared/surveys.ts';
import { apiRequest } from './client.ts';

const wrapupPath = (appointmentId: string) => `/api/staff/appointments/${encodeURIComponent(appointmentId)}/wrapup`;
const linkPath = (token: string) => `/api/public/survey/${encodeURIComponent(token)}`;

/** The wrap-up of an appointment as staff see it. */
export function fetchWrapup(appointmentId: string, signal?: AbortSignal): Promise<WrapupView> {
  return apiRequest<WrapupView>(wrapupPath(appointmentId), { signal });
}

/** Saves (or corrects) the wrap-up. */
export function saveWrapup(appointmentId: string, body: WrapupRequest, csrfToken: string): Promise<WrapupView> {
  return apiRequest<WrapupView>(wrapupPath(appointmentId), { method: 'PUT', body, csrfToken });
}

/** The signed-in citizen's survey: whether it can be, or was, answered. */
export function fetchCitizenSurvey(signal?: AbortSignal): Promise<SurveyView> {
  return apiRequest<SurveyView>('/api/citizen/appointment/survey', { signal });
}

/** The signed-in citizen answers. */
export function answerCitizenSurvey(answer: SurveyAnswer, csrfToken: string): Promise<SurveyView> {
  return apiRequest<SurveyView>('/api/citizen/appointment/survey', { method: 'POST', body: answer, csrfToken });
}

/** The survey an emailed link opens. */
export function fetchLinkSurvey(token: string, signal?: AbortSignal): Promise<SurveyView> {
  return apiRequest<SurveyView>(linkPath(token), { signal });
}

/** Answers from the emailed link (the token is the credential). */
export function answerLinkSurvey(token: string, answer: SurveyAnswer): Promise<SurveyView> {
  return apiRequest<SurveyView>(linkPath(token), { method: 'POST', body: answer });
}
