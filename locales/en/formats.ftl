# How dates, times and numbers are written. $month and $weekday are numbers (1 = January / Monday).

date-long = { $day } { $month ->
        [1] January
        [2] February
        [3] March
        [4] April
        [5] May
        [6] June
        [7] July
        [8] August
        [9] September
        [10] October
        [11] November
       *[12] December
    } { $year }

time-of-day = { NUMBER($hour, minimumIntegerDigits: 2) }:{ $minute }

datetime-long = { $date } at { $time }

number-decimal-mark = .
number-group-mark = ,

# Joins list items in running text: "English and suomi", "Austria, Bulgaria and Czech Republic".
list-and = { $first } and { $last }
list-separator = ,{" "}
