export { generateCity, cityDigest, cityCounts, anchorDay, DEFAULT_CITY_SEED, type CityOptions } from './city.generate';
export { loadCity, eventInputOf, REFUSED_CASES, SEED_REGULATOR, type CityIds, type LoadDeps, type LoadProgress, type LoadResult } from './city.load';
export { PLANTED_CASES, type City, type CityEvent, type PlantedCase, type Planted } from './city.types';
export { DISTRICTS } from './places';
