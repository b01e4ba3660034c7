//! `gridpatrol serve`: the map page and its JSON API.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use gridpatrol::server::{self, AppState, ServerConfig, TileKind};

/// Serve the township map and its API in the browser (no internet needed).
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    ws: crate::workspace::WorkspaceArg,
    /// Optional tile URL template ({z}/{x}/{y}) from the office's tile server, drawn
    /// under the township's own streets.
    #[arg(long)]
    tile_url: Option<String>,
    /// What --tile-url serves: `raster` images, or `vector` tiles in the OpenMapTiles
    /// schema. By default, templates ending in .pbf or .mvt are vector, others raster.
    #[arg(long, value_enum)]
    tile_kind: Option<TileKindArg>,
    /// The OpenStreetMap extract (.osm.pbf or .osm) to draw the base map from and plan on;
    /// default: the one the workspace was made from (`init --from`), else the bundled
    /// sample's.
    #[arg(long)]
    osm: Option<PathBuf>,
    /// Session lifetime in minutes.
    #[arg(long, default_value_t = 720)]
    session_minutes: u64,
    /// A name (or address) clients reach the server by, besides localhost and the
    /// listen address; repeat for each. Requests naming any other host are refused.
    #[arg(long = "host", value_name = "NAME")]
    hosts: Vec<String>,
    /// Certificate chain (PEM) to serve HTTPS with; needs --tls-key.
    #[arg(long, requires = "tls_key", value_name = "FILE")]
    tls_cert: Option<PathBuf>,
    /// Private key (PEM) of --tls-cert.
    #[arg(long, requires = "tls_cert", value_name = "FILE")]
    tls_key: Option<PathBuf>,
    /// Most connections open at once; more wait until one closes.
    #[arg(long, default_value_t = 512)]
    max_connections: usize,
    /// Seconds a client has to send a request's headers (and a kept-alive connection
    /// may sit idle) before it is dropped.
    #[arg(long, default_value_t = 10)]
    header_timeout: u64,
    /// Adds this many synthetic sites (deterministic) to measure the page at scale.
    #[arg(long, hide = true, default_value_t = 0)]
    synthetic_sites: usize,
}

/// `--tile-kind`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum TileKindArg {
    Raster,
    Vector,
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "gridpatrol=info,tower_http=info".into()),
        )
        .init();
    if let Some(url) = &args.tile_url {
        server::tile_origin(url).context("--tile-url")?;
    }
    let config = ServerConfig {
        listen: args.listen,
        tile_url: args.tile_url.clone(),
        tile_kind: match args.tile_kind {
            Some(TileKindArg::Raster) => TileKind::Raster,
            Some(TileKindArg::Vector) => TileKind::Vector,
            None => args
                .tile_url
                .as_deref()
                .map_or(TileKind::Raster, TileKind::guess),
        },
        session_ttl_s: args.session_minutes.saturating_mul(60),
        hosts: args.hosts.clone(),
        tls: args
            .tls_cert
            .clone()
            .zip(args.tls_key.clone())
            .map(|(cert, key)| server::TlsFiles { cert, key }),
        max_connections: args.max_connections.max(1),
        header_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
        ..ServerConfig::default()
    };
    if let Some(files) = &config.tls {
        server::tls_config(files).context("--tls-cert / --tls-key")?;
    }
    warn_if_exposed(&config);
    let mut ws = args.ws.open()?;
    let osm = read_osm(crate::context::extract_of(args.osm.as_deref(), &ws)?.as_deref())?;
    let (base, base_bounds) = base_map(&osm)?;
    if args.synthetic_sites > 0 {
        let mut bounds = base_bounds.map_or(server::workspace::FALLBACK_BOUNDS, |b| b.as_array());
        // Inside the township's extent too: the store refuses sites outside it.
        if let Some(e) = ws.extent()? {
            let (min, max) = (e.0.min(), e.0.max());
            let cut = [
                bounds[0].max(min.x),
                bounds[1].max(min.y),
                bounds[2].min(max.x),
                bounds[3].min(max.y),
            ];
            bounds = if cut[0] < cut[2] && cut[1] < cut[3] {
                cut
            } else {
                [min.x, min.y, max.x, max.y]
            };
        }
        ws.import_institutions(&synthetic_institutions(args.synthetic_sites, bounds))
            .context("adding the synthetic sites")?;
    }
    let first_lead = ws.first_lead_if_none()?;
    let name = ws.meta("township")?.unwrap_or_default();
    let users = gridpatrol::store::Workspace::open_existing(&args.ws.workspace)?;
    let workspace = server::ServerData::new(ws, name, base, base_bounds)?;
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let addresses = gridpatrol::formats::osm::addresses::AddressIndex::build(&osm);
    let state = AppState::new(
        config,
        Arc::new(server::StoreUsers::new(users)),
        workspace,
        server::plan::Planner::new(osm).with_routing_cache(
            gridpatrol::store::route_cache::dir_beside(&args.ws.workspace),
        ),
    )
    .with_addresses(addresses);
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let local = listener.local_addr()?;
        tracing::info!(address = %local, "serving: open {scheme}://{local}/");
        out!(
            "{}{scheme}://{local}/",
            crate::locale::pick(
                "gridpatrol 已启动，请用浏览器打开 ",
                "gridpatrol serving on "
            )
        );
        if let Some((lead, password)) = &first_lead {
            say_first_lead(lead, password, &format!("{scheme}://{local}/"))?;
        }
        server::serve(listener, state, server::shutdown_signal())
            .await
            .context("server stopped with an error")
    })
}

/// Tells whoever started the first server of a workspace how the first lead signs in:
/// the password is shown here once and must be changed at that first sign-in.
fn say_first_lead(lead: &str, password: &str, url: &str) -> anyhow::Result<()> {
    out!(
        "\n首次启动：工作区还没有用户，已创建组长账号。 First start: no user yet, the first lead is made.\n  \
         打开 open      {url}\n  \
         用户名 user    {lead}\n  \
         一次性密码 password {password}\n  \
         （只显示这一次，登录后请立即修改密码 shown once: change it at the first sign-in）\n"
    );
    Ok(())
}

/// Says loudly, on stderr, when the township's records would cross the network in
/// clear text: listening beyond this computer without TLS.
fn warn_if_exposed(config: &ServerConfig) {
    if config.listen.ip().is_loopback() || config.tls.is_some() {
        return;
    }
    eprintln!(
        "\n!!! WARNING: listening on {} without TLS.\n\
         !!! Passwords, session cookies and the township's records cross the network in\n\
         !!! clear text, readable by anyone on the way. Serve HTTPS with\n\
         !!! --tls-cert FILE --tls-key FILE, or listen on 127.0.0.1 only.\n\
         !!! Clients must name this server as one of: localhost{}{} (add more with --host NAME).\n",
        config.listen,
        if config.listen.ip().is_unspecified() {
            String::new()
        } else {
            format!(", {}", config.listen.ip())
        },
        config
            .hosts
            .iter()
            .map(|h| format!(", {h}"))
            .collect::<String>(),
    );
}

/// The extract given by `--osm`, or the bundled sample's.
fn read_osm(osm: Option<&std::path::Path>) -> anyhow::Result<gridpatrol::formats::osm::OsmData> {
    Ok(match osm {
        Some(path) => gridpatrol::formats::osm::read_path(path, &mut |_| {})
            .with_context(|| format!("reading {}", path.display()))?,
        None => {
            let bytes = gridpatrol::sample::file(gridpatrol::sample::OSM_PBF)
                .context("the bundled sample has no OSM extract")?;
            gridpatrol::formats::osm::read_bytes(&bytes, gridpatrol::sample::OSM_PBF)?
        }
    })
}

/// The base map (streets, buildings, water) from the extract, as GeoJSON bytes.
fn base_map(
    data: &gridpatrol::formats::osm::OsmData,
) -> anyhow::Result<(Vec<u8>, Option<gridpatrol::model::bounds::LonLatBounds>)> {
    let (fc, bounds) = gridpatrol::api::basemap::base_map(data);
    tracing::info!(
        features = fc.features.len(),
        "base map drawn from the OSM extract"
    );
    Ok((serde_json::to_vec(&fc)?, bounds))
}

/// `n` made-up institutions spread over `bounds` (fixed seed: the same every run),
/// to measure the page and the API at a large township's scale.
fn synthetic_institutions(n: usize, bounds: [f64; 4]) -> Vec<gridpatrol::model::Institution> {
    use gridpatrol::model::{Institution, InstitutionKind, Licence};
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(10_000);
    let [w, s, e, n_] = bounds;
    (0..n)
        .map(|i| Institution {
            id: format!("SYN{i:05}"),
            name: format!("合成机构 {i}"),
            kind: if i % 3 == 0 {
                InstitutionKind::Care
            } else {
                InstitutionKind::Training
            },
            subject: None,
            licence: match i % 5 {
                0 => Licence::Unlicensed,
                1 => Licence::RegisteredOnly,
                _ => Licence::Licensed,
            },
            address: None,
            location: gridpatrol::Wgs84Point::new(rng.gen_range(w..e), rng.gen_range(s..n_)),
            open_hours: None,
            complaints: 0,
            last_inspected: None,
            synthetic: true,
        })
        .collect()
}
