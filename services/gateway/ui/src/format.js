/** "12 s ago", "3 min ago": how long since an ISO time, for heartbeats and event times. */
export function ago(iso, now = Date.now()) {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/** A state as a badge whose class colours it (see styles.css). */
export const badgeClass = (state) => `badge state-${String(state).replace(/[^a-z-]/g, '')}`;
