-- The one schema of the product's DuckDB file. Documented table by table in docs/data_model.md.
-- Money is CNY (yuan). Dates are calendar dates in the dealer's local time.

CREATE TABLE IF NOT EXISTS stores (
    store_id     VARCHAR PRIMARY KEY,   -- dealer's store code
    name         VARCHAR NOT NULL,      -- display name
    region       VARCHAR NOT NULL,      -- sales region, e.g. East / 华东
    city         VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS customers (
    customer_id    VARCHAR PRIMARY KEY,
    name           VARCHAR,             -- as exported by the CRM (may be masked)
    phone          VARCHAR,
    home_store_id  VARCHAR,             -- store that owns the relationship
    channel        VARCHAR,             -- acquisition channel code (see channel_spend)
    vin            VARCHAR,             -- vehicle identification number of the customer's car
    vehicle_model  VARCHAR,
    purchase_date  DATE,                -- vehicle purchase date (start of the relationship)
    purchase_price DOUBLE               -- vehicle price, CNY
);

CREATE TABLE IF NOT EXISTS orders (
    order_id     VARCHAR PRIMARY KEY,   -- service order (repair order) number
    customer_id  VARCHAR NOT NULL,
    order_date   DATE NOT NULL,
    store_id     VARCHAR,
    kind         VARCHAR,               -- maintenance | repair | accident | parts | accessories
    revenue      DOUBLE NOT NULL,       -- CNY, negative for a refund
    gross_profit DOUBLE NOT NULL        -- CNY, revenue minus parts and labour cost; may be negative
);

CREATE TABLE IF NOT EXISTS warranties (
    contract_id  VARCHAR PRIMARY KEY,   -- extended warranty contract
    customer_id  VARCHAR NOT NULL,
    sold_date    DATE NOT NULL,
    price        DOUBLE NOT NULL,       -- CNY paid by the customer
    term_years   INTEGER NOT NULL,
    claims_cost  DOUBLE NOT NULL        -- CNY paid out on claims so far
);

CREATE TABLE IF NOT EXISTS referrals (
    referrer_id   VARCHAR NOT NULL,     -- existing customer who referred
    referred_id   VARCHAR NOT NULL,     -- new customer won by the referral
    referral_date DATE NOT NULL
);

CREATE TABLE IF NOT EXISTS complaints (
    complaint_id VARCHAR PRIMARY KEY,
    customer_id  VARCHAR NOT NULL,
    store_id     VARCHAR,
    opened       DATE NOT NULL,
    resolved     DATE                   -- NULL while unresolved
);

CREATE TABLE IF NOT EXISTS event_attendance (
    customer_id VARCHAR NOT NULL,
    event_date  DATE NOT NULL,
    event_name  VARCHAR                 -- brand event, owners' club day, member day
);

CREATE TABLE IF NOT EXISTS competitor_sightings (
    customer_id VARCHAR NOT NULL,
    seen_date   DATE NOT NULL,
    source      VARCHAR                 -- how we know: survey, insurer, app data
);

CREATE TABLE IF NOT EXISTS appointments (
    appointment_id   VARCHAR PRIMARY KEY,
    customer_id      VARCHAR NOT NULL,
    store_id         VARCHAR,
    appointment_date DATE NOT NULL,
    status           VARCHAR NOT NULL   -- kept | cancelled
);

CREATE TABLE IF NOT EXISTS channel_spend (
    month         DATE NOT NULL,        -- first day of the month
    channel       VARCHAR NOT NULL,     -- acquisition channel code
    spend         DOUBLE NOT NULL,      -- CNY spent on acquisition in the month
    new_customers INTEGER NOT NULL,     -- customers won by the channel in the month
    PRIMARY KEY (month, channel)
);

CREATE TABLE IF NOT EXISTS store_kpis (
    month                 DATE NOT NULL,    -- first day of the month
    store_id              VARCHAR NOT NULL,
    nps                   DOUBLE,           -- net promoter score, -100..100
    first_time_fix_rate   DOUBLE,           -- share of repairs fixed at the first visit, 0..1
    technician_efficiency DOUBLE,           -- billed hours / attended hours, 0..1.5
    PRIMARY KEY (month, store_id)
);

CREATE TABLE IF NOT EXISTS scenarios (
    scenario_id VARCHAR PRIMARY KEY,        -- uuid
    kind        VARCHAR NOT NULL,           -- allocator | evaluator | ...
    name        VARCHAR NOT NULL,
    saved_at    TIMESTAMP NOT NULL,
    payload     VARCHAR NOT NULL            -- JSON of the inputs
);

CREATE TABLE IF NOT EXISTS import_mappings (
    source_kind VARCHAR PRIMARY KEY,        -- orders | customers | ... : which file the mapping is for
    mapping     VARCHAR NOT NULL,           -- JSON {our field: their header}
    saved_at    TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,              -- source, data_end_date, currency (ISO code, CNY by default),
                                            -- assumed_margin (set when orders came without gross profit) ...
    value VARCHAR
);

-- Closing the loop (clv_engine/contacts.py): issued call lists, their random control groups, and
-- what was done for each customer. Kept on a replace import: they are the product's own records.
CREATE TABLE IF NOT EXISTS call_lists (
    list_id       VARCHAR PRIMARY KEY,      -- uuid; also the seed of the hold-out draw
    name          VARCHAR NOT NULL,
    issued_on     DATE NOT NULL,            -- the as-of date of the ranking the list came from
    issued_at     TIMESTAMP NOT NULL,
    holdout_share DOUBLE NOT NULL,          -- share of each risk level kept as control, 0..1
    window_days   INTEGER NOT NULL,         -- a return counts if it falls this many days after issue
    p_method      VARCHAR                   -- how P(churn) was read: calibrated | score | model
);

CREATE TABLE IF NOT EXISTS call_list_members (
    list_id        VARCHAR NOT NULL,
    customer_id    VARCHAR NOT NULL,
    store_id       VARCHAR,                 -- home store when the list was issued
    rank           INTEGER NOT NULL,        -- rank by expected value on the issued list
    level          VARCHAR NOT NULL,        -- risk level: high | mid | low (decides the intervention)
    control        BOOLEAN NOT NULL,        -- TRUE: held out, not to be contacted
    p_churn        DOUBLE NOT NULL,         -- what the list predicted, kept to compare with results
    success        DOUBLE NOT NULL,
    clv            DOUBLE NOT NULL,         -- remaining CLV, CNY
    cost           DOUBLE NOT NULL,         -- planned cost of the intervention, CNY
    expected_value DOUBLE NOT NULL,         -- P(churn) × success × CLV − cost, CNY
    PRIMARY KEY (list_id, customer_id)
);

CREATE TABLE IF NOT EXISTS contacts (
    contact_id   VARCHAR PRIMARY KEY,
    list_id      VARCHAR,                   -- the call list it was made for; NULL if none
    customer_id  VARCHAR NOT NULL,
    contact_date DATE NOT NULL,
    store_id     VARCHAR,
    channel      VARCHAR NOT NULL,          -- call | visit | message
    intervention VARCHAR,                   -- high | mid | low: the level's intervention
    owner        VARCHAR,                   -- who made the contact
    outcome      VARCHAR NOT NULL,          -- reached | booked | came_back | declined | unreachable
    cost         DOUBLE NOT NULL            -- CNY spent on this contact (offer, visit, time)
);

-- Logins and the audit trail (clv_engine/access.py). Kept when an import replaces the data.
CREATE TABLE IF NOT EXISTS users (
    login        VARCHAR PRIMARY KEY,       -- email (or OIDC subject) as the identity provider reports it, lower-case
    display_name VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,          -- director | store_manager | analyst
    stores       VARCHAR[],                 -- a store manager's store ids; NULL: every store
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_log (
    audit_id  VARCHAR PRIMARY KEY,          -- uuid
    logged_at TIMESTAMP NOT NULL,
    actor    VARCHAR NOT NULL,              -- login of who did it; local in local mode
    action   VARCHAR NOT NULL,              -- import | restore | scenario_save | scenario_delete | user_change | export_customers
    details  VARCHAR NOT NULL               -- JSON: what changed (counts, ids, file names)
);

-- Columns added after the first release. ADD COLUMN IF NOT EXISTS brings a file written before
-- them up to date whenever the schema is applied (an import, a saved scenario); a file opened
-- read-only may still lack them, so readers check for them (clv_engine/service_due.py,
-- clv_engine/complaints.py). Inserts name their columns.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS mileage DOUBLE;               -- odometer km at the visit; NULL if not exported
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS opened_at TIMESTAMP;      -- when it was logged (the clock starts)
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS responded_at TIMESTAMP;   -- first response to the customer
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS resolved_at TIMESTAMP;    -- when it was closed; NULL while open
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS status VARCHAR;           -- open | resolved
