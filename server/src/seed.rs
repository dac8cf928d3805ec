//! Realistic data at scale: mailboxes with varied names, domains, account types and quotas, for
//! trying the panel with a host's numbers and for the users-list benchmark (`make bench`).
use app::model::{
    AccountType, DateFormat, DomainName, Language, LocalPart, Preferences, Quota, Role, TimeZone,
};
use app::security::password::hash_password;
use app::store::{NewUser, Store, StoreError};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

const FIRST_NAMES: &[&str] = &[
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Willow",
    "Freya",
    "Florence",
    "Emily",
    "Ella",
    "Poppy",
    "Evie",
    "Elsie",
    "Charlotte",
    "Evelyn",
    "Sienna",
    "Sofia",
    "Daisy",
    "Phoebe",
    "Sophie",
    "Alice",
    "Harper",
    "Matilda",
    "Ruby",
    "Noah",
    "Oliver",
    "George",
    "Arthur",
    "Muhammad",
    "Leo",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Theodore",
    "Freddie",
    "Jack",
    "Charlie",
    "Theo",
    "Alfie",
    "Jacob",
    "Thomas",
    "Finley",
    "Arlo",
    "William",
    "Lucas",
    "Roman",
    "Tommy",
    "Isaac",
    "Teddy",
    "Alexander",
    "Luca",
    "Edward",
    "James",
    "Joshua",
    "Albie",
    "Elijah",
    "Max",
    "Mohammed",
    "Reggie",
    "Hugo",
    "Louis",
    "Ezra",
    "Chloé",
    "Léa",
    "Manon",
    "Inès",
    "Zoë",
    "Anaïs",
    "Jérôme",
    "Rémi",
    "Hélène",
    "Aurélie",
    "Siobhán",
    "Seán",
    "Niamh",
    "Ciarán",
    "Aoife",
    "Dafydd",
    "Rhiannon",
    "Gwen",
    "Iolo",
    "Bethan",
    "Priya",
    "Arjun",
    "Ananya",
    "Rohan",
    "Mei",
    "Wei",
    "Hiroshi",
    "Yuki",
    "Kofi",
    "Amara",
];

const LAST_NAMES: &[&str] = &[
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "Dubois",
    "Lefèvre",
    "Ó Briain",
    "Nguyen",
    "Okafor",
    "Tanaka",
    "Müller",
    "García",
];

const DOMAINS: &[&str] = &[
    "northfield.test",
    "harbour-health.test",
    "stmarys-school.test",
    "valleytransport.test",
];

/// Quotas in MB and how often each is picked: mostly small mailboxes, a few large ones.
const QUOTAS_MB: &[(i64, u32)] = &[(500, 20), (1000, 35), (2000, 25), (5000, 15), (10000, 5)];

/// How much was added.
#[derive(Debug, Clone, Copy)]
pub struct Seeded {
    pub users: usize,
    pub domains: usize,
}

/// Adds `count` mailboxes to the organisation, across the seeding domains (added if missing),
/// raising its licences and storage pool to fit. The mailboxes share one password hash of a
/// random password nobody is told, so none of them can sign in until an admin sets a password.
/// `seed` makes the data repeatable.
pub async fn seed_users(
    store: &dyn Store,
    organisation_id: i64,
    count: usize,
    seed: u64,
    now: i64,
    mut progress: impl FnMut(usize),
) -> Result<Seeded, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut domains = store.list_domains(organisation_id).await?;
    let mut added_domains = 0;
    for name in DOMAINS {
        if domains.iter().all(|d| d.name != *name) {
            let name = DomainName::parse(name).map_err(|_| unusable("domain"))?;
            domains.push(store.add_domain(organisation_id, &name, now).await?);
            added_domains += 1;
        }
    }
    let domain_ids: Vec<i64> = domains
        .iter()
        .filter(|d| DOMAINS.contains(&d.name.as_str()))
        .map(|d| d.id)
        .collect();

    let unknown: String = (0..4)
        .map(|_| format!("{:016x}", rng.gen::<u64>()))
        .collect();
    let password_hash = hash_password(unknown)
        .await
        .map_err(|e| StoreError::Backend(e.to_string().into()))?;
    let quota_weights: u32 = QUOTAS_MB.iter().map(|(_, w)| w).sum();

    let batch_size = 2_000;
    let mut added = 0;
    while added < count {
        let mut batch = Vec::with_capacity(batch_size.min(count - added));
        for n in added..(added + batch_size).min(count) {
            let first = *FIRST_NAMES.choose(&mut rng).unwrap_or(&"Alex");
            let last = *LAST_NAMES.choose(&mut rng).unwrap_or(&"Smith");
            // The running number keeps addresses unique however the names fall.
            let local = format!("{}.{}{}", ascii_slug(first), ascii_slug(last), n);
            let mut pick = rng.gen_range(0..quota_weights);
            let quota_mb = QUOTAS_MB
                .iter()
                .find(|(_, w)| {
                    let hit = pick < *w;
                    pick = pick.saturating_sub(*w);
                    hit
                })
                .map_or(1000, |(mb, _)| *mb);
            batch.push(NewUser {
                organisation_id,
                domain_id: domain_ids[n % domain_ids.len()],
                local_part: LocalPart::parse(&local).map_err(|_| unusable("username"))?,
                name: format!("{first} {last}"),
                password_hash: password_hash.clone(),
                account_type: if rng.gen_ratio(1, 4) {
                    AccountType::Enhanced
                } else {
                    AccountType::Basic
                },
                role: Role::User,
                quota: Quota::from_mb(quota_mb).map_err(|_| unusable("quota"))?,
                preferences: preferences(&mut rng),
                now,
            });
        }
        make_room(store, organisation_id, &batch).await?;
        // Sample data, not anyone's action: nothing to audit.
        added += store.create_users(&batch, &[]).await?.len();
        progress(added);
    }
    Ok(Seeded {
        users: added,
        domains: added_domains,
    })
}

/// Mostly the defaults; some French speakers in Paris, some in New York.
fn preferences(rng: &mut StdRng) -> Preferences {
    let zone = |name| TimeZone::parse(name).unwrap_or_else(|_| TimeZone::utc());
    match rng.gen_range(0..10) {
        0 => Preferences {
            language: Language::Fr,
            time_zone: zone("Europe/Paris"),
            date_format: DateFormat::DayMonthYear,
        },
        1 => Preferences {
            time_zone: zone("America/New_York"),
            date_format: DateFormat::MonthDayYear,
            ..Preferences::default()
        },
        _ => Preferences::default(),
    }
}

/// Raises the licence count and storage pool just enough for the batch.
async fn make_room(
    store: &dyn Store,
    organisation_id: i64,
    batch: &[NewUser],
) -> Result<(), StoreError> {
    let usage = store.organisation_usage(organisation_id).await?;
    let wanted_mb: i64 = batch.iter().map(|u| u.quota.mb()).sum();
    let licences = usage
        .mailbox_licences
        .max(usage.mailboxes_used + batch.len() as i64);
    let pool_mb = usage
        .storage_pool_mb
        .max(usage.storage_allocated_mb + wanted_mb);
    store
        .set_organisation_limits(organisation_id, licences, pool_mb)
        .await
}

/// The seeding lists made a value the model refuses: a bug in this file.
fn unusable(what: &str) -> StoreError {
    StoreError::Backend(format!("seed data made an invalid {what}").into())
}

/// "Lefèvre" -> "lefevre", "Ó Briain" -> "obriain": what an address can hold.
fn ascii_slug(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'à' | 'á' | 'â' | 'ä' | 'å' => Some('a'),
            'è' | 'é' | 'ê' | 'ë' => Some('e'),
            'ì' | 'í' | 'î' | 'ï' => Some('i'),
            'ò' | 'ó' | 'ô' | 'ö' | 'Ó' => Some('o'),
            'ù' | 'ú' | 'û' | 'ü' => Some('u'),
            'ç' => Some('c'),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ascii_slug;

    #[test]
    fn slugs_are_plain_ascii() {
        assert_eq!(ascii_slug("Lefèvre"), "lefevre");
        assert_eq!(ascii_slug("Ó Briain"), "obriain");
        assert_eq!(ascii_slug("Zoë"), "zoe");
    }
}
