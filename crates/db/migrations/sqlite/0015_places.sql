-- Places: areas (a ward, an estate, a neighbourhood), the buildings in them
-- (a block of flats, or a stretch of one street) and their units (a flat or
-- a house). Residency says who lived where, from when to when, so moving
-- house keeps the history. Landlords and other owners are organisations;
-- ownerships say who held a building when, so its history survives a sale.
CREATE TABLE areas (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- ward, estate or neighbourhood.
    kind TEXT NOT NULL,
    -- A GeoJSON geometry as the organiser gave it; NULL for none.
    boundary TEXT,
    -- The share of units with a supporter the structure test aims for.
    target_percent BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX areas_group ON areas(group_id, name);

CREATE TABLE buildings (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    area_id BLOB REFERENCES areas(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    -- block or street.
    kind TEXT NOT NULL,
    postcode TEXT NOT NULL,
    postcode_key TEXT NOT NULL,
    target_percent BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX buildings_group ON buildings(group_id, name);
CREATE INDEX buildings_area ON buildings(area_id, name);

-- floor is 0 for the ground floor, NULL for a house. number is the label's
-- leading number (12 for "Flat 12", 0 for none), for walking order.
CREATE TABLE units (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    building_id BLOB NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    label_key TEXT NOT NULL,
    floor BIGINT,
    number BIGINT NOT NULL,
    address_lines TEXT NOT NULL,
    postcode TEXT NOT NULL,
    postcode_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (building_id, label_key)
);
CREATE INDEX units_building ON units(building_id, floor, number);
CREATE INDEX units_postcode ON units(group_id, postcode_key);

CREATE TABLE residencies (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    person_id BLOB NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    unit_id BLOB NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    moved_in DATE,
    moved_out DATE,
    created_at TEXT NOT NULL
);
CREATE INDEX residencies_unit ON residencies(unit_id, moved_out);
CREATE INDEX residencies_person ON residencies(person_id, moved_in);

-- Landlords, housing associations, the council, managing agents: whoever
-- owns or runs buildings. Campaign power maps name them too.
CREATE TABLE organisations (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    website TEXT NOT NULL,
    notes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (group_id, name_key)
);

CREATE TABLE ownerships (
    id BLOB PRIMARY KEY NOT NULL,
    group_id BLOB NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    building_id BLOB NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
    organisation_id BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    from_on DATE,
    to_on DATE,
    created_at TEXT NOT NULL
);
CREATE INDEX ownerships_building ON ownerships(building_id, from_on);
CREATE INDEX ownerships_organisation ON ownerships(organisation_id, from_on);
