/** A [longitude, latitude] point, WGS-84, as the registry's sites and the ledger's events store it. */
export type LngLat = readonly [number, number];

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance between two points in kilometres (the haversine formula). */
export function greatCircleKm(a: LngLat, b: LngLat): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b[1] - a[1]);
  const dLng = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
