-- Custom SQL migration: point_days filled from the ledger, so the rolling leaderboards read it from
-- the first request. A day is whole days since 1970-01-01 UTC (src/modules/gamification/ledger.ts).
INSERT INTO point_days (user_id, day, points)
SELECT user_id, floor(extract(epoch FROM created_at) / 86400)::integer, sum(points_delta)::integer
FROM point_events
GROUP BY 1, 2;
