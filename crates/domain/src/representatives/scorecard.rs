//! A representative's scorecard on a campaign or a theme: pledges kept,
//! broken and pending, turn-ups against invitations, and a consistency score
//! from their votes, in the style of TheyWorkForYou.

use super::{PledgeStatus, Vote};

/// What a scorecard counts, for one representative on one campaign or theme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scorecard {
    pub kept: i64,
    pub broken: i64,
    pub compromise: i64,
    pub pending: i64,
    pub invitations: i64,
    pub turn_ups: i64,
    /// Votes cast the way the campaign wanted, of the votes cast.
    pub in_line: i64,
    pub cast: i64,
    /// Votes they missed: not in the score, counted apart.
    pub absences: i64,
}

/// Where a consistency score falls, in TheyWorkForYou's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    ConsistentlyFor,
    AlmostAlwaysFor,
    GenerallyFor,
    Mixture,
    GenerallyAgainst,
    AlmostAlwaysAgainst,
    ConsistentlyAgainst,
}

impl Band {
    pub fn label(self) -> &'static str {
        match self {
            Band::ConsistentlyFor => "Consistently voted for the campaign's position",
            Band::AlmostAlwaysFor => "Almost always voted for the campaign's position",
            Band::GenerallyFor => "Generally voted for the campaign's position",
            Band::Mixture => "Voted a mixture of for and against",
            Band::GenerallyAgainst => "Generally voted against the campaign's position",
            Band::AlmostAlwaysAgainst => "Almost always voted against the campaign's position",
            Band::ConsistentlyAgainst => "Consistently voted against the campaign's position",
        }
    }
}

impl Scorecard {
    /// Count the pledges by status, and the votes against what was wanted.
    pub fn of(
        pledges: impl IntoIterator<Item = PledgeStatus>,
        votes: impl IntoIterator<Item = (Vote, Vote)>,
        invitations: i64,
        turn_ups: i64,
    ) -> Scorecard {
        let mut card = Scorecard { invitations, turn_ups, ..Scorecard::default() };
        for p in pledges {
            match p {
                PledgeStatus::Kept => card.kept += 1,
                PledgeStatus::Broken => card.broken += 1,
                PledgeStatus::Compromise => card.compromise += 1,
                _ => card.pending += 1,
            }
        }
        for (cast, wanted) in votes {
            if cast == Vote::Absent {
                card.absences += 1;
            } else {
                card.cast += 1;
                card.in_line += i64::from(cast == wanted);
            }
        }
        card
    }

    /// 100 × the votes in line / the votes cast; none without a vote cast.
    pub fn consistency(&self) -> Option<i64> {
        // Rounded half up, in whole numbers: 2 of 3 is 67.
        (self.cast > 0).then(|| (200 * self.in_line + self.cast) / (2 * self.cast))
    }

    /// The band, worked out on the exact fraction so an edge such as 95 is
    /// never lost to rounding.
    pub fn band(&self) -> Option<Band> {
        if self.cast == 0 {
            return None;
        }
        let (score, c) = (100 * self.in_line, self.cast);
        Some(if score >= 95 * c {
            Band::ConsistentlyFor
        } else if score >= 85 * c {
            Band::AlmostAlwaysFor
        } else if score >= 60 * c {
            Band::GenerallyFor
        } else if score > 40 * c {
            Band::Mixture
        } else if score > 15 * c {
            Band::GenerallyAgainst
        } else if score > 5 * c {
            Band::AlmostAlwaysAgainst
        } else {
            Band::ConsistentlyAgainst
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn votes(in_line: usize, against: usize, absent: usize) -> Vec<(Vote, Vote)> {
        let mut v = vec![(Vote::For, Vote::For); in_line];
        v.extend(vec![(Vote::For, Vote::Against); against]);
        v.extend(vec![(Vote::Absent, Vote::For); absent]);
        v
    }

    #[test]
    fn a_scorecard_counts_pledges_and_leaves_absences_out_of_the_score() {
        use PledgeStatus::*;
        let card = Scorecard::of([Kept, Kept, Broken, Compromise, NotYetRated, InTheWorks, Stalled], votes(2, 1, 4), 5, 2);
        assert_eq!((card.kept, card.broken, card.compromise, card.pending), (2, 1, 1, 3));
        assert_eq!((card.in_line, card.cast, card.absences), (2, 3, 4));
        assert_eq!((card.invitations, card.turn_ups), (5, 2));
        // 2 in line of 3 cast: 66.7, shown as 67; absences change nothing.
        assert_eq!(card.consistency(), Some(67));
        assert_eq!(card.band(), Some(Band::GenerallyFor));
        let none = Scorecard::of([], votes(0, 0, 3), 0, 0);
        assert_eq!((none.consistency(), none.band(), none.absences), (None, None, 3));
    }

    #[test]
    fn the_bands_fall_at_their_edges() {
        // (in line, cast) worked by hand: 19/20 = 95, 17/20 = 85, 3/5 = 60,
        // 2/5 = 40 (not above it), 3/20 = 15, 1/20 = 5.
        let cases = [
            (20, 20, Band::ConsistentlyFor),
            (19, 20, Band::ConsistentlyFor),
            (37, 39, Band::AlmostAlwaysFor), // 94.9
            (17, 20, Band::AlmostAlwaysFor),
            (84, 100, Band::GenerallyFor),
            (3, 5, Band::GenerallyFor),
            (59, 100, Band::Mixture),
            (41, 100, Band::Mixture),
            (2, 5, Band::GenerallyAgainst),
            (16, 100, Band::GenerallyAgainst),
            (3, 20, Band::AlmostAlwaysAgainst),
            (6, 100, Band::AlmostAlwaysAgainst),
            (1, 20, Band::ConsistentlyAgainst),
            (0, 7, Band::ConsistentlyAgainst),
        ];
        for (in_line, cast, band) in cases {
            let card = Scorecard::of([], votes(in_line, cast - in_line, 0), 0, 0);
            assert_eq!(card.band(), Some(band), "{in_line} of {cast}");
        }
        assert_eq!(Scorecard::of([], votes(19, 1, 0), 0, 0).consistency(), Some(95));
        assert_eq!(Scorecard::of([], votes(0, 1, 0), 0, 0).consistency(), Some(0));
    }
}
