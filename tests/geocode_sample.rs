//! How often the offline address look-up places a row on the bundled sample: addresses
//! as a lead's list writes them for places that are in the sample's extract (with the
//! place each must land on), and invented ones that are not (they must stay unplaced).
//! Run with `--nocapture` to see the figures.

use gridpatrol::formats::osm::addresses::AddressIndex;

/// Addresses of real places of the sample extract, with the name they must be found by.
const REAL: &[(&str, &str)] = &[
    ("北京市海淀区新街口外大街19号", "北京师范大学"),
    ("海淀区西土城路10号北京邮电大学科研楼", "科研楼"),
    ("西土城路10号北邮学生活动中心", "学生活动中心"),
    ("北京邮电大学教四楼3层", "教四楼"),
    ("北京邮电大学明光楼一层", "明光楼"),
    ("海淀区北邮体育馆旁", "北邮体育馆"),
    ("西土城路 物美超市二层", "物美"),
    ("北京邮电大学学生3号公寓", "学生3号公寓"),
    ("海淀区北京邮电大学留学生1号公寓", "留学生1号公寓"),
    ("西土城路10号麦当劳北邮店", "麦当劳"),
    ("北京市海淀区时光广场2层", "时光广场"),
    ("北京邮电大学北邮科技酒店", "北邮科技酒店"),
    ("北京邮电大学幼儿园", "北京邮电大学幼儿园"),
    ("北京邮电大学综合服务楼", "综合服务楼"),
    ("海淀区 北京中仁中医医院", "北京中仁中医医院"),
    ("北京邮电大学 经管楼", "经管楼"),
    ("学院路 瑞幸咖啡", "瑞幸咖啡"),
    ("北京邮电大学家属27号楼", "家属27号楼"),
    ("北京邮电大学 7号楼", "7号楼"),
    ("北京邮电大学出版社", "北京邮电大学出版社"),
    ("北京交通大学附属中学分校东侧", "北京交通大学附属中学分校"),
    ("海淀区北京邮电大学主教学楼", "主教学楼"),
];

/// Addresses of places the extract does not have (or a road alone): never placed.
const INVENTED: &[&str] = &[
    "火星路1号",
    "朝阳区建国路88号SOHO现代城",
    "海淀区中关村大街27号",
    "西城区金融街35号",
    "丰台区南三环西路16号",
    "海淀区西土城路",
    "某某小区5号楼",
    "北京市海淀区学院路30号科大天工大厦",
];

#[test]
fn the_lookup_places_most_real_addresses_and_no_invented_one() {
    let bytes = gridpatrol::sample::file(gridpatrol::sample::OSM_PBF).unwrap();
    let osm = gridpatrol::formats::osm::read_bytes(&bytes, "sample").unwrap();
    let index = AddressIndex::build(&osm);
    let (mut found, mut elsewhere) = (0, Vec::new());
    for (address, place) in REAL {
        match index.find(address, None) {
            Some(hit) if hit.label == *place => found += 1,
            Some(hit) => {
                elsewhere.push(format!("{address}: placed at {} (not {place})", hit.label))
            }
            None => println!("not found: {address} ({place})"),
        }
    }
    for e in &elsewhere {
        println!("placed by a wider name: {e}");
    }
    let wrongly: Vec<&&str> = INVENTED
        .iter()
        .filter(|a| index.find(a, None).is_some())
        .collect();
    println!(
        "address look-up on the sample ({} places indexed): {found} of {} real addresses \
         placed on their own place ({:.0} %), {} on a wider one, {} of {} invented ones placed",
        index.len(),
        REAL.len(),
        100.0 * found as f64 / REAL.len() as f64,
        elsewhere.len(),
        wrongly.len(),
        INVENTED.len()
    );
    assert!(wrongly.is_empty(), "invented addresses placed: {wrongly:?}");
    assert!(
        found * 10 >= REAL.len() * 7,
        "only {found} of {} found",
        REAL.len()
    );
}
