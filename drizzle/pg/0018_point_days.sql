CREATE TABLE "point_days" (
	"user_id" integer NOT NULL,
	"day" integer NOT NULL,
	"points" integer NOT NULL,
	CONSTRAINT "point_days_pkey" PRIMARY KEY("user_id","day")
);
--> statement-breakpoint
ALTER TABLE "point_days" ADD CONSTRAINT "point_days_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ix_point_days_day_user" ON "point_days" USING btree ("day","user_id","points");