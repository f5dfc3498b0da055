/**
 * Views and `self` arrive as `unknown` inside validated frames (the schema checks the frame,
 * not the view's inner shape). These checks make sure the parts the screens walk are there.
 */
import type { AudienceView, SelfView } from '../../shared/domain/types';

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function asAudienceView(doc: unknown): AudienceView | null {
  if (!isObj(doc)) return null;
  const e = doc.event;
  if (!isObj(e) || typeof e.title !== 'string' || typeof e.status !== 'string' || !isObj(e.settings)) return null;
  if (!isObj(doc.polls) || !isObj(doc.questions) || !isObj(doc.quizzes) || !isObj(doc.reactions)) return null;
  return doc as unknown as AudienceView;
}

export function asSelfView(data: unknown): SelfView | null {
  if (!isObj(data)) return null;
  if (!isObj(data.ballots) || !Array.isArray(data.upvoted) || !isObj(data.questions) || !isObj(data.quiz)) return null;
  return data as unknown as SelfView;
}
