ALTER TABLE "agg_view_directions" RENAME COLUMN "hour" TO "day";--> statement-breakpoint
ALTER TABLE "agg_histograms" DROP CONSTRAINT "agg_histograms_project_id_scene_id_hour_metric_device_type_browser_bucket_pk";--> statement-breakpoint
ALTER TABLE "agg_view_directions" DROP CONSTRAINT "agg_view_directions_project_id_scene_id_hour_azimuth_bin_elevation_bin_pk";--> statement-breakpoint
ALTER TABLE "agg_voxels" DROP CONSTRAINT "agg_voxels_project_id_scene_id_day_kind_voxel_mm_vx_vy_vz_pk";--> statement-breakpoint
-- View directions go from hourly to daily rows: fold each day's hours into one row.
CREATE TEMPORARY TABLE vantage_view_days AS
  SELECT project_id, scene_id, date_trunc('day', day, 'UTC') AS day, azimuth_bin, elevation_bin, sum(samples)::bigint AS samples
  FROM agg_view_directions GROUP BY 1, 2, 3, 4, 5;--> statement-breakpoint
DELETE FROM agg_view_directions;--> statement-breakpoint
INSERT INTO agg_view_directions (project_id, scene_id, day, azimuth_bin, elevation_bin, samples) SELECT * FROM vantage_view_days;--> statement-breakpoint
DROP TABLE vantage_view_days;--> statement-breakpoint
ALTER TABLE "agg_histograms" ADD CONSTRAINT "agg_histograms_project_id_scene_id_metric_hour_device_type_browser_bucket_pk" PRIMARY KEY("project_id","scene_id","metric","hour","device_type","browser","bucket");--> statement-breakpoint
ALTER TABLE "agg_view_directions" ADD CONSTRAINT "agg_view_directions_project_id_scene_id_day_azimuth_bin_elevation_bin_pk" PRIMARY KEY("project_id","scene_id","day","azimuth_bin","elevation_bin");--> statement-breakpoint
ALTER TABLE "agg_voxels" ADD CONSTRAINT "agg_voxels_project_id_scene_id_kind_voxel_mm_day_vx_vy_vz_pk" PRIMARY KEY("project_id","scene_id","kind","voxel_mm","day","vx","vy","vz");