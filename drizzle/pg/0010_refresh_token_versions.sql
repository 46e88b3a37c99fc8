-- Sessions opened before refresh tokens recorded the account's token_version: each takes the
-- version its account has now, so none is ended by the upgrade and later changes end them all.
UPDATE "refresh_tokens" SET "token_version" = (SELECT "users"."token_version" FROM "users" WHERE "users"."id" = "refresh_tokens"."user_id");
