-- The holiday calendar's version, moved on by every change of `holidays` whichever process or node
-- made it: a server keeps the calendar in memory and re-reads it only when this number has moved.
CREATE TABLE `calendar_meta` (`id` integer PRIMARY KEY CHECK (`id` = 1), `version` integer NOT NULL);
--> statement-breakpoint
INSERT INTO `calendar_meta` (`id`, `version`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `holidays_bump_version_insert` AFTER INSERT ON `holidays`
BEGIN UPDATE `calendar_meta` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `holidays_bump_version_update` AFTER UPDATE ON `holidays`
BEGIN UPDATE `calendar_meta` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `holidays_bump_version_delete` AFTER DELETE ON `holidays`
BEGIN UPDATE `calendar_meta` SET `version` = `version` + 1 WHERE `id` = 1; END;
