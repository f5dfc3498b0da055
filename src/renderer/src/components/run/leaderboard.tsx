/** The top of the quiz leaderboard (the streak's 🔥 is the shipped glyph, as on phones: no emoji font needed). */
import type { LeaderboardRowStaff } from '../../../../shared/domain/types';
import { EmojiGlyph } from '../../../../shared/ui/emoji-glyph';

export function Leaderboard({ rows, limit = 10 }: { rows: LeaderboardRowStaff[]; limit?: number }) {
  if (rows.length === 0) return <p className="empty">No scores yet: the leaderboard fills when an answer is revealed.</p>;
  return (
    <table className="table leaderboard" aria-label="Leaderboard">
      <thead>
        <tr>
          <th scope="col">Rank</th>
          <th scope="col">Name</th>
          <th scope="col" className="num">
            Score
          </th>
          <th scope="col" className="num">
            Streak
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.slice(0, limit).map((r, i) => (
          <tr key={r.clientId}>
            <td>{i + 1}</td>
            <td>{r.name}</td>
            <td className="num">{r.score}</td>
            <td className="num">
              {r.streak > 1 ? (
                <>
                  <EmojiGlyph emoji="🔥" /> {r.streak}
                </>
              ) : (
                r.streak
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
