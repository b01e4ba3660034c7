//! The language the command line speaks: Chinese when the user's locale is Chinese
//! (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, as POSIX orders them — `zh_CN.UTF-8` on
//! a Chinese desktop), English otherwise.

/// Whether messages are to be in Chinese.
pub fn chinese() -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|key| std::env::var(key).ok().filter(|v| !v.is_empty()))
        .is_some_and(|locale| is_chinese(&locale))
}

fn is_chinese(locale: &str) -> bool {
    locale.to_ascii_lowercase().starts_with("zh")
}

/// `zh` under a Chinese locale, else `en`.
pub fn pick<'a>(zh: &'a str, en: &'a str) -> &'a str {
    if chinese() {
        zh
    } else {
        en
    }
}

#[cfg(test)]
mod tests {
    use super::is_chinese;

    #[test]
    fn chinese_locales_are_told_apart() {
        for zh in ["zh_CN.UTF-8", "zh_CN", "zh_TW.Big5", "zh"] {
            assert!(is_chinese(zh), "{zh}");
        }
        for other in ["C", "C.UTF-8", "en_US.UTF-8", "POSIX", "de_DE"] {
            assert!(!is_chinese(other), "{other}");
        }
    }
}
