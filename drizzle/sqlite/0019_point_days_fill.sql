-- Custom SQL migration: point_days filled from the ledger, so the rolling leaderboards read it from
-- the first request. A day is whole days since 1970-01-01 UTC (created_at is in milliseconds).
INSERT INTO point_days (user_id, day, points)
SELECT user_id, cast(created_at / 86400000 AS integer), sum(points_delta)
FROM point_events
GROUP BY 1, 2;
